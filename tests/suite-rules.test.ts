import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * A worker runs test file after test file with the modules it has loaded (`isolate: false` in
 * vitest.config.ts). So nothing a test changes in a shared module may outlive its file: checked
 * on the tests' source, since a leak would show only in whichever file happens to run next.
 */

const testsRoot = import.meta.dirname;

function testSources(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testSources(full);
    if (!entry.name.endsWith('.ts') || full === import.meta.filename) return [];
    return [{ file: path.relative(testsRoot, full), text: readFileSync(full, 'utf8') }];
  });
}

/** vitest calls that change something shared, each with the calls that undo it. */
const undoneBy: Record<string, readonly string[]> = {
  spyOn: ['mockRestore', 'restoreAllMocks'],
  stubGlobal: ['unstubAllGlobals'],
  stubEnv: ['unstubAllEnvs'],
  useFakeTimers: ['useRealTimers'],
};

/** What `text` leaves changed for the next file: a module mock, or a change it never undoes. */
function leftChanged(text: string): string[] {
  const calls = (name: string) => new RegExp(`\\.${name}\\(`).test(text);
  const mocks = [...text.matchAll(/\bvi\.(mock|doMock)\(/g)].map((m) => `vi.${m[1]}`);
  const notUndone = Object.entries(undoneBy)
    .filter(([change, undos]) => calls(change) && !undos.some(calls))
    .map(([change, undos]) => `vi.${change} without ${undos.join(' or ')}`);
  return [...mocks, ...notUndone];
}

describe('the test files', () => {
  it('leave no module mocked and nothing shared changed for the next file of their worker', () => {
    // The scan finds what it looks for…
    expect(leftChanged("vi.mock('../server/src/config.js');")).toEqual(['vi.mock']);
    expect(leftChanged('const spy = vi.spyOn(JSON, "stringify");')).toHaveLength(1);
    expect(leftChanged('const spy = vi.spyOn(JSON, "stringify"); spy.mockRestore();')).toEqual([]);
    expect(leftChanged('vi.useFakeTimers(); afterAll(() => vi.useRealTimers());')).toEqual([]);
    // …and finds it in no test file.
    const sources = testSources(testsRoot);
    expect(sources.length).toBeGreaterThan(100);
    const offenders = sources.flatMap(({ file, text }) =>
      leftChanged(text).map((what) => `${file}: ${what}`),
    );
    expect(offenders).toEqual([]);
  });
});
