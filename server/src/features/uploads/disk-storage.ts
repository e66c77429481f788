import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type FileStorage, isStorageKey } from './storage.js';

/** Uploads as files under one root folder (config.uploadDir). */
export class DiskStorage implements FileStorage {
  private readonly root: string;
  /** Where uploads are written until complete: a name no storage key can take (isStorageKey). */
  private readonly partialsFolder: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.partialsFolder = path.join(this.root, '.partial');
  }

  async put(key: string, body: Readable): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    await mkdir(this.partialsFolder, { recursive: true });
    // Written in the root's folder of parts and renamed into place when complete (the same file
    // system, so the rename is atomic): a reader never sees half a file.
    const partial = path.join(
      this.partialsFolder,
      `${path.basename(target)}.${randomBytes(6).toString('hex')}.part`,
    );
    const file = createWriteStream(partial, { flags: 'wx', mode: 0o640 });
    try {
      await pipeline(body, file);
      await rename(partial, target);
    } catch (error) {
      // A body that fails at once can fail the pipeline before the file is even opened; the stream
      // then opens (creating it) and closes after. Removed before that, the part would stay behind.
      if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
      await unlink(partial).catch(() => undefined);
      throw error;
    }
  }

  async get(key: string): Promise<{ body: Readable; size: number } | null> {
    const file = this.pathOf(key);
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) return null;
    return { body: createReadStream(file), size: info.size };
  }

  async delete(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async check(): Promise<void> {
    await mkdir(this.root, { recursive: true });
  }

  async close(): Promise<void> {}

  /**
   * Removes the partial files (`*.part`) of uploads that will never finish: a process killed while
   * receiving (SIGKILL, the OOM killer, a power cut) cannot remove its own, and they piled up, 45 MB
   * after 18 kills. They all sit in one folder, so a service down for days finds them too (they
   * used to sit in the day's folder, and only today's and yesterday's were looked at). A part
   * written to within `olderThanMs` may be another instance's upload on a shared folder and is left.
   * Answers how many were removed.
   */
  async removeStalePartials(olderThanMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    const names = await readdir(this.partialsFolder).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.part')) continue;
      const file = path.join(this.partialsFolder, name);
      const info = await stat(file).catch(() => null);
      if (!info || info.mtimeMs >= now - olderThanMs) continue;
      await unlink(file).then(
        () => removed++,
        () => undefined,
      );
    }
    return removed;
  }

  /** Refuses anything but our own key shape, and checks the result stays under the root anyway. */
  private pathOf(key: string): string {
    const file = path.resolve(this.root, key);
    if (!isStorageKey(key) || !file.startsWith(this.root + path.sep)) {
      throw new Error(`not a storage key: ${JSON.stringify(key)}`);
    }
    return file;
  }
}
