import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db, Tx } from '../db/database.js';
import { AppError } from '../errors.js';
import { claimedKind, detectAcceptedType, maxBytesOf, sniffBytes } from '../features/uploads/file-types.js';
import { findLegacyFiles, type LegacyFile, recordLegacyFiles } from '../features/uploads/legacy-files.js';
import { urlOfKey } from '../features/uploads/storage.js';
import type { ReceivedFile, UploadService } from '../features/uploads/uploads.service.js';
import type { FileTally } from './report.js';

/** One old row naming one file. */
export interface FileUse {
  /** The URL as the old row spelled it (trimmed). */
  readonly url: string;
  /** Whose row it is: the copy becomes their upload. */
  readonly ownerId: number | null;
  /**
   * An identity or company document (ID cards, licences). Uploads have no private flag on this
   * branch yet; when they do, copies of these must be recorded private (see `copy`).
   */
  readonly document: boolean;
  /** What names the row in a refusal, e.g. `users 12`. */
  readonly where: string;
}

/** What a batch's transaction writes for its files: copies to record, old URLs kept. */
export interface PendingFiles {
  readonly copies: ReadonlyArray<{ url: string; userId: number | null; file: ReceivedFile }>;
  readonly external: readonly LegacyFile[];
}

export interface FileMoverOptions {
  readonly db: Db;
  readonly uploads: UploadService;
  /** The old web root; without it every old URL is kept as it is. */
  readonly filesRoot: string | undefined;
  readonly dryRun: boolean;
  readonly tally: FileTally;
  readonly now: number;
}

/** Copies at once: disk reads overlap, and each copy still streams (no file is held whole). */
const parallelCopies = 4;

/**
 * Old file URLs into what the new rows store. With `--files-root`, each file is received into the
 * configured storage by the uploads service, so it passes the same checks by its bytes as any
 * upload, and the row gets the copy's URL; the upload is recorded in the batch's transaction, after
 * its owner's row. Without it, or when a file cannot be copied (missing, a type uploads refuse), the
 * old URL is kept as it is (external) and recorded, so the owner can resubmit the record unchanged
 * (FileReferences). Every URL is handled once per run; a copy recorded by an earlier run is reused.
 * A run killed between receiving a file and committing its batch leaves those bytes unrecorded,
 * like a failed upload; the next run copies the file again.
 */
export class LegacyFileMover {
  private readonly stored = new Map<string, string>();
  private pending: { copies: PendingFiles['copies'][number][]; external: LegacyFile[] } = {
    copies: [],
    external: [],
  };
  private readonly root: string | undefined;

  constructor(private readonly options: FileMoverOptions) {
    this.root = options.filesRoot === undefined ? undefined : path.resolve(options.filesRoot);
  }

  /** Makes every file the batch names ready: `urlOf` answers for them afterwards. */
  async prepare(uses: readonly FileUse[]): Promise<void> {
    const fresh = new Map<string, FileUse>();
    for (const use of uses) if (!this.stored.has(use.url) && !fresh.has(use.url)) fresh.set(use.url, use);
    if (fresh.size === 0) return;
    const { tally } = this.options;
    for (const [url, recorded] of await findLegacyFiles(this.options.db, [...fresh.keys()])) {
      fresh.delete(url);
      this.stored.set(url, recorded.copiedTo ?? url);
      if (recorded.copiedTo) tally.reused++;
      else tally.external++;
    }
    const toCopy = [...fresh.values()];
    if (this.root === undefined) {
      for (const use of toCopy) this.keepExternal(use);
      return;
    }
    for (let i = 0; i < toCopy.length; i += parallelCopies) {
      await Promise.all(toCopy.slice(i, i + parallelCopies).map((use) => this.copyOrKeep(use)));
    }
  }

  /** The URL a new row stores for an old one (after `prepare`). */
  urlOf(url: string): string {
    return this.stored.get(url.trim()) ?? url.trim();
  }

  /** A list of old URLs as the comma-joined list a new row stores. */
  rewrite(urls: readonly string[]): string {
    return urls.map((url) => this.urlOf(url)).join(',');
  }

  /** What the files prepared since the last call leave for the batch's transaction (`writeFiles`). */
  takePending(): PendingFiles {
    const pending = this.pending;
    this.pending = { copies: [], external: [] };
    return pending;
  }

  /** Records a batch's files in its transaction: the uploads, then every old URL with its copy. */
  async write(tx: Tx, pending: PendingFiles): Promise<void> {
    await this.options.uploads.recordIn(
      tx,
      pending.copies.map(({ file, userId }) => ({ file, userId })),
    );
    const copied = pending.copies.map(({ url, userId, file }) => ({
      url,
      userId,
      copiedTo: urlOfKey(file.key),
    }));
    await recordLegacyFiles(tx, [...copied, ...pending.external], this.options.now);
  }

  private keepExternal(use: FileUse): void {
    this.stored.set(use.url, use.url);
    this.pending.external.push({ url: use.url, userId: use.ownerId, copiedTo: null });
    this.options.tally.external++;
  }

  private async copyOrKeep(use: FileUse): Promise<void> {
    // What the uploads service refuses (type, size, name) refuses the file; anything else (the
    // database or the storage failing) stops the import.
    const outcome = await this.copy(use).catch((error: unknown) => {
      if (error instanceof AppError) return { refused: error.message };
      throw error;
    });
    if ('url' in outcome) {
      this.stored.set(use.url, outcome.url);
      this.options.tally.copied++;
      return;
    }
    this.options.tally.refusals.push({ id: `${use.where}: ${use.url}`, reason: outcome.refused });
    this.keepExternal(use);
  }

  private async copy(use: FileUse): Promise<{ url: string } | { refused: string }> {
    const file = this.pathOf(use.url);
    if (file === undefined) return { refused: 'not a path under the old web root' };
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return { refused: 'missing file' };
    const name = path.basename(file);
    if (this.options.dryRun) return checkOnly(file, name, info.size);
    // The same intake as an upload: type by the leading bytes, the name's kind, the size limit.
    const received = await this.options.uploads.receive(createReadStream(file), name, 'member', '');
    this.pending.copies.push({ url: use.url, userId: use.ownerId, file: received });
    return { url: urlOfKey(received.key) };
  }

  /** The file an old URL (`/uploads/a.png`, `http://old-host/uploads/a.png`) names under the web root. */
  private pathOf(url: string): string | undefined {
    if (this.root === undefined) return undefined;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(url, 'http://old.invalid/').pathname);
    } catch {
      return undefined;
    }
    const file = path.resolve(this.root, `.${pathname}`);
    return file.startsWith(this.root + path.sep) ? file : undefined;
  }
}

/** A dry run's check of a file: what receiving it would refuse, without storing anything. */
async function checkOnly(
  file: string,
  name: string,
  size: number,
): Promise<{ url: string } | { refused: string }> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, sniffBytes));
    await handle.read(head, 0, head.length, 0);
    if (head.length === 0) return { refused: 'empty file' };
    const type = await detectAcceptedType(head);
    if (!type) return { refused: 'a file type uploads do not accept' };
    const claimed = claimedKind(name);
    if (claimed && claimed !== type.kind) return { refused: 'the file name does not match its content' };
    if (size > maxBytesOf[type.kind]) return { refused: 'too large for an upload' };
    return { url: file };
  } finally {
    await handle.close();
  }
}
