import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
});
