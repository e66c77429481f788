import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Db, Tx } from '../db/database.js';
import { AppError } from '../errors.js';
import { claimedKind, detectAcceptedType, maxBytesOf, sniffBytes } from '../features/uploads/file-types.js';
import { findLegacyFiles, type LegacyFile, recordLegacyFiles } from '../features/uploads/legacy-files.js';
import { keyOfUrl, urlOfKey } from '../features/uploads/storage.js';
import { findUploadsByKeys } from '../features/uploads/uploads.repository.js';
import type { ReceivedFile, UploadService } from '../features/uploads/uploads.service.js';
import { mapAtMost } from './map-at-most.js';
import type { FileTally } from './report.js';

/** One old row naming one file. */
export interface FileUse {
  /** The URL as the old row spelled it (trimmed). */
  readonly url: string;
  /** Whose row it is: the copy becomes their upload. */
  readonly ownerId: number | null;
  /**
   * An identity or company document (ID cards, licences): its copy is a private upload, served only
   * through signed URLs, as a verification record's files are.
   */
  readonly document: boolean;
  /** What names the row in a refusal, e.g. `users 12`. */
  readonly where: string;
}

/** Who names an old URL, and how: the rows of one batch are all identity documents or none. */
type Naming = Pick<FileUse, 'url' | 'ownerId'>;

/**
 * Which copy of an old URL a use gets. The rows naming it publicly (avatars, demand and
 * application files) share one; an identity document gets a private copy of its owner's, never one
 * of those nor another owner's: one old file named as someone's avatar and as another's ID card
 * must not make the card a public upload of the avatar's owner.
 * A public copy, by far the most common and remembered for the whole run, is keyed by its URL
 * alone; a private one's key starts with a line break, which no URL does (FileUse.url is trimmed).
 */
const copyOf = (use: Pick<FileUse, 'url' | 'ownerId' | 'document'>): string =>
  use.document ? `\nprivate ${use.ownerId ?? ''} ${use.url}` : use.url;

/** What became of one copy of an old URL (copyOf) in this run. */
type Decision =
  /** Known from an earlier run: nothing to write. */
  | { readonly kind: 'recorded'; readonly url: string; readonly storedUrl: string }
  /** A dry run's file that a run would copy: checked, nothing stored. */
  | { readonly kind: 'checked'; readonly url: string; readonly storedUrl: string }
  /** Copied now: the batches that name it record the upload (the first to commit wins). */
  | {
      readonly kind: 'copied';
      readonly url: string;
      readonly storedUrl: string;
      readonly userId: number | null;
      readonly file: ReceivedFile;
      /** See FileUse.document. */
      readonly document: boolean;
    }
  /** Kept as it is now: the batches that name it record it. */
  | {
      readonly kind: 'external';
      readonly url: string;
      readonly storedUrl: string;
      readonly userId: number | null;
    };

/** The files of one batch, decided: what its rows store, and what its transaction records. */
export interface BatchFiles {
  /** The URL a new row of `ownerId` stores for an old one. */
  urlOf(url: string, ownerId: number | null): string;
  /** A list of old URLs as the comma-joined list a new row of `ownerId` stores. */
  rewrite(urls: readonly string[], ownerId: number | null): string;
  /**
   * Narrows the batch to the old URLs its written rows name, once rows were refused after their
   * files were decided (a list too long once the copies' URLs replace the old ones): only those are
   * recorded, and a copy made for refused rows alone is removed from storage.
   */
  keepOnly(named: Iterable<Naming>): Promise<void>;
  /** Records, in the batch's transaction, the uploads and old URLs its rows refer to. */
  write(tx: Tx): Promise<void>;
  /** Called once the batch's transaction committed: what it recorded is settled for the run. */
  committed(): void;
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
 * (FileReferences). Every copy of a URL (copyOf) is handled once per run; one recorded by an earlier
 * run is reused when it is the same kind of copy (public, or private to the same owner).
 * A copy that only refused rows name is removed again (BatchFiles.keepOnly), so a refused row
 * leaves no file behind; a run killed between receiving a file and committing its batch leaves
 * those bytes unrecorded, like a failed upload, and the next run copies the file again.
 */
export class LegacyFileMover {
  /**
   * Every copy of an old URL (copyOf) seen in this run, decided once even when two batches name it
   * at the same time. Once a batch recording it committed, only the URL its rows store is kept
   * (`''`: the old URL as it is): one entry for each distinct old URL lasts the whole run, and
   * keeping whole decisions took a large import past a gigabyte (bench/README.md, "Legacy import").
   */
  private readonly decisions = new Map<string, Promise<Decision> | string>();
  /** How many open batches that may still narrow themselves (keepOnly) name each unsettled copy. */
  private readonly holders = new Map<string, number>();
  /** Unsettled copies a written row names: they stay, whatever other batches refuse. */
  private readonly kept = new Set<string>();
  private readonly root: string | undefined;

  constructor(private readonly options: FileMoverOptions) {
    this.root = options.filesRoot === undefined ? undefined : path.resolve(options.filesRoot);
  }

  /** Decides every file the batch names (copying what is to be copied). */
  async prepare(uses: readonly FileUse[]): Promise<BatchFiles> {
    // One step's batch: its rows name identity documents, or none do.
    const documents = uses.some((use) => use.document);
    if (uses.some((use) => use.document !== documents)) throw new Error('a batch names documents or none');
    const copyOfNaming = (naming: Naming) =>
      copyOf({ url: naming.url.trim(), ownerId: naming.ownerId, document: documents });
    // Each copy the batch names, with its URL.
    const named = new Map<string, string>();
    const fresh = new Map<string, FileUse>();
    for (const use of uses) {
      const copy = copyOf(use);
      named.set(copy, use.url);
      if (!this.decisions.has(copy) && !fresh.has(copy)) fresh.set(copy, use);
    }
    if (fresh.size > 0) {
      const deciding = this.decide(fresh);
      for (const copy of fresh.keys())
        this.decisions.set(
          copy,
          deciding.then((decided) => decisionOf(decided, copy)),
        );
    }
    // Counted before anything is awaited, so a batch refusing these copies meanwhile keeps them.
    for (const copy of named.keys())
      if (!this.isSettled(copy)) this.holders.set(copy, (this.holders.get(copy) ?? 0) + 1);
    const decided = new Map<string, Decision>();
    for (const [copy, url] of named) {
      const decision = this.decisions.get(copy);
      if (typeof decision === 'string')
        decided.set(copy, { kind: 'recorded', url, storedUrl: decision || url });
      else if (decision) decided.set(copy, await decision);
    }
    const storedUrl = (url: string, ownerId: number | null) =>
      decided.get(copyOfNaming({ url, ownerId }))?.storedUrl ?? url.trim();
    let narrowed = false;
    return {
      urlOf: storedUrl,
      rewrite: (urls, ownerId) => urls.map((url) => storedUrl(url, ownerId)).join(','),
      keepOnly: async (kept) => {
        if (narrowed) throw new Error('a batch narrows its files once');
        narrowed = true;
        await this.release(decided, new Set([...kept].map(copyOfNaming)));
      },
      write: (tx) => this.record(tx, decided),
      committed: () => this.settle(decided),
    };
  }

  /** Whether a committed batch recorded the copy: it then stays for good, whoever else names it. */
  private isSettled(copy: string): boolean {
    return typeof this.decisions.get(copy) === 'string';
  }

  /** Keeps of a committed batch's copies only the URLs its rows store: they are recorded now. */
  private settle(decided: ReadonlyMap<string, Decision>): void {
    for (const [copy, decision] of decided) {
      this.decisions.set(copy, decision.storedUrl === decision.url ? '' : decision.storedUrl);
      this.holders.delete(copy);
      this.kept.delete(copy);
    }
  }

  /**
   * Drops from a batch's decisions the copies its written rows do not name. A copy no written row
   * and no other open batch names is removed from storage, and forgotten: a later row naming the
   * URL has it decided (copied) anew.
   */
  private async release(decided: Map<string, Decision>, keep: ReadonlySet<string>): Promise<void> {
    const dropped: ReceivedFile[] = [];
    for (const [copy, decision] of decided) {
      if (this.isSettled(copy)) {
        if (!keep.has(copy)) decided.delete(copy);
        continue;
      }
      const holders = (this.holders.get(copy) ?? 1) - 1;
      if (holders > 0) this.holders.set(copy, holders);
      else this.holders.delete(copy);
      if (keep.has(copy)) {
        this.kept.add(copy);
        continue;
      }
      decided.delete(copy);
      if (holders > 0 || this.kept.has(copy)) continue;
      if (decision.kind !== 'copied' && decision.kind !== 'checked') continue;
      this.decisions.delete(copy);
      this.options.tally.copied--;
      if (decision.kind === 'copied') dropped.push(decision.file);
    }
    for (const file of dropped) await this.options.uploads.discard(file);
  }

  /**
   * Decides copies new to this run (by copyOf): recorded by an earlier run, copied now, or kept as
   * they are.
   */
  private async decide(uses: ReadonlyMap<string, FileUse>): Promise<Map<string, Decision>> {
    const decided = new Map<string, Decision>();
    const { tally } = this.options;
    const recorded = await this.recordedBefore([...uses.values()]);
    const toCopy: Array<[string, FileUse]> = [];
    for (const [copy, use] of uses) {
      const earlier = recorded.get(copy);
      if (earlier !== undefined) {
        decided.set(copy, { kind: 'recorded', url: use.url, storedUrl: earlier ?? use.url });
        if (earlier) tally.reused++;
        else tally.external++;
      } else if (this.root === undefined) {
        decided.set(copy, this.keepExternal(use));
      } else {
        toCopy.push([copy, use]);
      }
    }
    // Once a copy fails (storage, not a refusal), no new one starts; those started end first.
    const outcomes = await mapAtMost(
      parallelCopies,
      toCopy,
      async ([copy, use]) => [copy, await this.copyOrKeep(use)] as const,
    );
    for (const [copy, decision] of outcomes) decided.set(copy, decision);
    return decided;
  }

  /**
   * What earlier runs recorded for these uses, by copy (copyOf): the URL of a copy the use may
   * take, or null for a URL kept as it was. `legacy_files` keeps one record a URL, the first to
   * commit: a copy made for another kind of use (a public one for a document, or another owner's
   * document) is not this use's, which is then decided anew.
   */
  private async recordedBefore(uses: readonly FileUse[]): Promise<Map<string, string | null>> {
    const { db } = this.options;
    const recorded = await findLegacyFiles(
      db,
      uses.map((use) => use.url),
    );
    const copyKeys = [...recorded.values()].flatMap((file) => {
      const key = file.copiedTo === null ? undefined : keyOfUrl(file.copiedTo);
      return key === undefined ? [] : [key];
    });
    const uploadOf = new Map((await findUploadsByKeys(db, copyKeys)).map((row) => [row.storage_key, row]));
    const found = new Map<string, string | null>();
    for (const use of uses) {
      const earlier = recorded.get(use.url);
      if (!earlier) continue;
      if (earlier.copiedTo === null) {
        found.set(copyOf(use), null);
        continue;
      }
      const upload = uploadOf.get(keyOfUrl(earlier.copiedTo) ?? '');
      const fits =
        upload !== undefined &&
        (use.document ? Boolean(upload.private) && upload.user_id === use.ownerId : !upload.private);
      if (fits) found.set(copyOf(use), earlier.copiedTo);
    }
    return found;
  }

  /**
   * Records what a batch's rows refer to. Two batches naming one new file both record it; the one
   * that commits second changes nothing, so a row never refers to a copy left unrecorded.
   */
  private async record(tx: Tx, decided: ReadonlyMap<string, Decision>): Promise<void> {
    const copies: Array<{ file: ReceivedFile; userId: number | null; private: boolean; shown: boolean }> = [];
    const files: LegacyFile[] = [];
    for (const decision of decided.values()) {
      const { url } = decision;
      if (decision.kind === 'copied') {
        // A public copy is one public rows name: shown (UploadsTable.shown), never made private.
        const { file, userId, document } = decision;
        copies.push({ file, userId, private: document, shown: !document });
        files.push({ url, userId: decision.userId, copiedTo: decision.storedUrl });
      } else if (decision.kind === 'external') {
        files.push({ url, userId: decision.userId, copiedTo: null });
      }
    }
    await this.options.uploads.recordIn(tx, copies);
    await recordLegacyFiles(tx, files, this.options.now);
  }

  private keepExternal(use: FileUse): Decision {
    this.options.tally.external++;
    return { kind: 'external', url: use.url, storedUrl: use.url, userId: use.ownerId };
  }

  private async copyOrKeep(use: FileUse): Promise<Decision> {
    // What the uploads service refuses (type, size, name) refuses the file; anything else (the
    // database or the storage failing) stops the import.
    const outcome = await this.copy(use).catch(
      (error: unknown): { file?: ReceivedFile; refused?: string } => {
        if (error instanceof AppError) return { refused: error.message };
        throw error;
      },
    );
    if (outcome.refused !== undefined) {
      this.options.tally.refusals.push({ id: `${use.where}: ${use.url}`, reason: outcome.refused });
      return this.keepExternal(use);
    }
    this.options.tally.copied++;
    if (!outcome.file) return { kind: 'checked', url: use.url, storedUrl: use.url };
    return {
      kind: 'copied',
      url: use.url,
      storedUrl: urlOfKey(outcome.file.key),
      userId: use.ownerId,
      file: outcome.file,
      document: use.document,
    };
  }

  /** The file received into storage; none in a dry run, which only checks it. */
  private async copy(use: FileUse): Promise<{ file?: ReceivedFile; refused?: string }> {
    const file = this.pathOf(use.url);
    if (file === undefined) return { refused: 'not a path under the old web root' };
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) return { refused: 'missing file' };
    const name = path.basename(file);
    if (this.options.dryRun) return checkOnly(file, name, info.size);
    // The same intake as an upload: type by the leading bytes, the name's kind, the size limit.
    const stream = createReadStream(file);
    try {
      return { file: await this.options.uploads.receive(stream, name, 'member') };
    } finally {
      // A refused file is left unread past its refusal: its file handle is closed here.
      stream.destroy();
    }
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

function decisionOf(decided: ReadonlyMap<string, Decision>, copy: string): Decision {
  const decision = decided.get(copy);
  if (!decision) throw new Error(`no decision for ${copy}`);
  return decision;
}

/** A dry run's check of a file: what receiving it would refuse, without storing anything. */
async function checkOnly(file: string, name: string, size: number): Promise<{ refused?: string }> {
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
    return {};
  } finally {
    await handle.close();
  }
}
