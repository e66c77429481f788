import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
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
  });

  it('removes the parts a killed process left, today and yesterday, and no part still being written', async () => {
    const now = Date.parse('2026-12-06T01:00:00Z');
    const hour = 60 * 60 * 1000;
    const file = (folder: string, name: string, ageMs: number) => {
      mkdirSync(path.join(root, folder), { recursive: true });
      const at = path.join(root, folder, name);
      writeFileSync(at, 'x');
      utimesSync(at, (now - ageMs) / 1000, (now - ageMs) / 1000);
    };
    file('2026/12/06', 'a.png.0a1b2c.part', 2 * hour);
    file('2026/12/06', 'b.png.3d4e5f.part', 60_000);
    file('2026/12/06', `${'C'.repeat(22)}.png`, 2 * hour);
    file('2026/12/05', 'd.zip.6a7b8c.part', 3 * hour);
    const removed = await new DiskStorage(root).removeStalePartials(hour, now);
    expect(removed).toBe(2);
    expect(readdirSync(path.join(root, '2026/12/06')).sort()).toEqual([
      `${'C'.repeat(22)}.png`,
      'b.png.3d4e5f.part',
    ]);
    expect(readdirSync(path.join(root, '2026/12/05'))).toEqual([]);
  });
});
