import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { DiskStorage } from '../../../server/src/features/uploads/disk-storage.js';

describe('disk storage', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'svc-disk-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('leaves no part file behind when a body fails before its file is even open', async () => {
    // A refused upload (too large at its first chunk, a client gone) fails the write at once; the
    // file stream opens after that. Racy by nature, so many times: without waiting for the stream
    // to close, a few of a thousand parts stayed behind.
    const failing = (i: number) =>
      Readable.from(
        (async function* () {
          if (i < 0) yield Buffer.alloc(1);
          throw new Error('refused');
        })(),
      );
    const day = '2026/12/04';
    for (let i = 0; i < 1000; i++) {
      const key = `${day}/${String(i).padStart(22, 'A')}.png`;
      await expect(new DiskStorage(root).put(key, failing(i))).rejects.toThrow('refused');
    }
    expect(readdirSync(path.join(root, day))).toEqual([]);
    expect(readdirSync(path.join(root, '.partial'))).toEqual([]);
  });

  it('removes the parts a killed process left, however long ago, and no part still being written', async () => {
    const now = Date.parse('2026-12-06T01:00:00Z');
    const hour = 60 * 60 * 1000;
    // A process killed while receiving leaves its part; bodies that never end stand in for it.
    const storage = new DiskStorage(root);
    const neverEnding = () => new PassThrough();
    const bodies = [neverEnding(), neverEnding(), neverEnding()];
    const puts = bodies.map((body, i) =>
      storage.put(`2026/11/2${i}/${'K'.repeat(22)}.png`, body).catch(() => {}),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const partsFolder = path.join(root, '.partial');
    const parts = readdirSync(partsFolder).filter((name) => name.endsWith('.part'));
    expect(parts).toHaveLength(3);
    // Two were left four days ago and a week ago (a service down meanwhile), one is being written.
    const age = (name: string | undefined, ageMs: number) =>
      utimesSync(path.join(partsFolder, String(name)), (now - ageMs) / 1000, (now - ageMs) / 1000);
    age(parts[0], 4 * 24 * hour);
    age(parts[1], 7 * 24 * hour);
    age(parts[2], 60_000);
    mkdirSync(path.join(root, '2026/12/06'), { recursive: true });
    writeFileSync(path.join(root, '2026/12/06', `${'C'.repeat(22)}.png`), 'x');

    expect(await storage.removeStalePartials(hour, now)).toBe(2);
    expect(readdirSync(partsFolder)).toEqual([parts[2]]);
    expect(readdirSync(path.join(root, '2026/12/06'))).toEqual([`${'C'.repeat(22)}.png`]);
    for (const body of bodies) body.destroy(new Error('gone'));
    await Promise.all(puts);
  });
});
