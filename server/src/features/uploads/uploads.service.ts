import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { type Clock, calendarDayIn } from '../../clock.js';
import { type Db, isDatabaseUnavailable, type Tx } from '../../db/database.js';
import { AppError, refusedFor } from '../../errors.js';
import { rateSubjectOf } from '../../kv/client-address.js';
import type { CalendarRule, RateLimiter, RateRule } from '../../kv/rate-limiter.js';
import type { Telemetry } from '../../telemetry.js';
import {
  type AcceptedType,
  claimedKind,
  clientFileName,
  detectAcceptedType,
  isAcceptableName,
  maxBytesOf,
  sniffBytes,
} from './file-types.js';
import { ChunkReader, type IncomingStream } from './incoming-file.js';
import type { UploadUrlSigner, UrlSignature } from './signed-urls.js';
import { type FileStorage, newStorageKey, urlOfKey } from './storage.js';
import {
  findUploadByKey,
  insertUpload,
  insertUploadsIfAbsent,
  type UploadRow,
} from './uploads.repository.js';
import type { UploadedFile } from './uploads.schemas.js';

/** Who is uploading: anyone (images only, rate-limited per IP) or a logged-in member. */
export type UploadAudience = 'anonymous' | 'member';

/** Bytes stored but not yet recorded: the door records them once it knows who uploaded. */
export class ReceivedFile {
  constructor(
    readonly key: string,
    readonly type: AcceptedType,
    readonly size: number,
    readonly originalName: string,
  ) {}
}

/** What one client may upload: counts an hour, and bytes stored a day (config.limits). */
export interface UploadLimits {
  readonly anonUploadPerIpHour: number;
  readonly uploadPerUserHour: number;
  readonly anonUploadMbPerIpDay: number;
  readonly uploadMbPerUserDay: number;
  /** Where the days of the daily caps begin: the users' midnight (TZ_DISPLAY). */
  readonly displayTimeZone: string;
}

const hourMs = 60 * 60_000;
const megabyte = 1024 * 1024;

export class UploadService {
  private readonly anonymousPerIp: RateRule;
  private readonly memberPerUser: RateRule;
  private readonly anonymousBytesPerIp: CalendarRule;
  private readonly memberBytesPerUser: CalendarRule;

  constructor(
    private readonly db: Db,
    private readonly storage: FileStorage,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly signer: UploadUrlSigner,
    limits: UploadLimits,
    private readonly telemetry: Telemetry,
  ) {
    this.anonymousPerIp = { name: 'upload:anon:ip', limit: limits.anonUploadPerIpHour, windowMs: hourMs };
    this.memberPerUser = { name: 'upload:user', limit: limits.uploadPerUserHour, windowMs: hourMs };
    // Kept a day and an hour: a day's count outlives its day wherever it began.
    const day = { windowMs: 25 * hourMs, windowOf: calendarDayIn(limits.displayTimeZone) };
    this.anonymousBytesPerIp = {
      name: 'upload-bytes:anon:ip',
      limit: limits.anonUploadMbPerIpDay * megabyte,
      ...day,
    };
    this.memberBytesPerUser = {
      name: 'upload-bytes:user',
      limit: limits.uploadMbPerUserDay * megabyte,
      ...day,
    };
  }

  /**
   * Streams an incoming file to storage: the leading bytes decide the type, the rest is counted on
   * the way and the upload aborted past the type's limit, so no file is ever held whole in memory.
   * A refused file's stream is left where the refusal found it, its rest unread: reading up to 50 MB
   * only to throw it away is the caller's choice (the legacy form must, to reach its login fields;
   * the typed door answers at once and closes the connection instead).
   */
  async receive(
    source: IncomingStream,
    givenName: string | undefined,
    audience: UploadAudience,
  ): Promise<ReceivedFile> {
    const reader = new ChunkReader(source);
    // A file part may come without a name (`filename=""`, what a browser sends for a file input left
    // empty): the multipart parser then gives none, whatever its type says. The name is metadata only.
    const originalName = clientFileName(givenName ?? '');
    if (!isAcceptableName(originalName)) throw new AppError('UPLOAD_NAME_INVALID');
    const head = await reader.head(sniffBytes);
    // Neither a name nor a byte: no file was chosen, rather than an empty file.
    if (head.length === 0) throw new AppError(givenName === undefined ? 'UPLOAD_MISSING' : 'UPLOAD_EMPTY');
    const type = await detectAcceptedType(head);
    if (!type) throw new AppError('UPLOAD_TYPE_NOT_ALLOWED');
    if (audience === 'anonymous' && type.kind !== 'image') throw new AppError('UPLOAD_IMAGES_ONLY');
    const claimed = claimedKind(originalName);
    if (claimed && claimed !== type.kind) throw new AppError('UPLOAD_NAME_MISMATCH');

    const key = newStorageKey(this.clock.now(), type.ext, randomBytes(16).toString('base64url'));
    let size = 0;
    const limit = maxBytesOf[type.kind];
    async function* counted() {
      for (let chunk: Buffer | undefined = head; chunk; chunk = await reader.next()) {
        size += chunk.length;
        if (size > limit) throw new AppError('UPLOAD_TOO_LARGE');
        yield chunk;
      }
      // multipart stops at its own cap without an error; a cut file is a too large one.
      if (reader.truncated) throw new AppError('UPLOAD_TOO_LARGE');
    }
    // One chunk read ahead at most: an upload waiting for its store holds back its client, not memory.
    const body = Readable.from(counted(), { highWaterMark: 1 });
    // Its source failing (the client gone, its time up) fails it at once, even while nobody reads it
    // yet: an upload waiting for the store then ends now, and gives its client's slot back.
    source.once('error', (error: Error) => body.destroy(error));
    await this.storage.put(key, body);
    return new ReceivedFile(key, type, size, originalName);
  }

  /**
   * Counts an anonymous upload for its client IP, or refuses it past the hourly limit
   * (UPLOAD_TOO_FREQUENT) or the day's bytes (UPLOAD_DAILY_QUOTA_USED). The door calls it before a
   * byte of the file is read: a refused client then neither fills the disk nor has the service read
   * its file (up to 50 MB) to throw it away.
   */
  async countAnonymous(ip: string): Promise<void> {
    const client = rateSubjectOf(ip);
    if (await this.limiter.reached(this.anonymousBytesPerIp, client))
      throw new AppError('UPLOAD_DAILY_QUOTA_USED');
    const hit = await this.limiter.count(this.anonymousPerIp, client);
    if (!hit.allowed) throw refusedFor('UPLOAD_TOO_FREQUENT', hit);
  }

  /**
   * Counts a member's upload, or refuses it past the hourly limit (UPLOAD_TOO_FREQUENT) or once the
   * day's bytes reach their cap (UPLOAD_DAILY_QUOTA_USED). Uploads are never deleted (rows name
   * them), so without these one account could fill the storage, 50 MB a file, as fast as its four
   * slots carry them. The typed door counts before reading the file; the legacy one once its login
   * is known, which may be after the file (then dropped).
   */
  async countMember(userId: number): Promise<void> {
    const member = String(userId);
    if (await this.limiter.reached(this.memberBytesPerUser, member))
      throw new AppError('UPLOAD_DAILY_QUOTA_USED');
    const hit = await this.limiter.count(this.memberPerUser, member);
    if (!hit.allowed) throw refusedFor('UPLOAD_TOO_FREQUENT', hit);
  }

  /**
   * Records a received file as uploaded by `userId` (null: anonymous, from `ip`), and counts its
   * bytes against the day's allowance, which the next upload is checked against (one file may pass
   * it by up to its own size: its size is known only once it is stored).
   */
  async record(file: ReceivedFile, userId: number | null, ip: string): Promise<UploadedFile> {
    const now = this.clock.now();
    try {
      const id = await insertUpload(this.db, {
        userId,
        key: file.key,
        originalName: file.originalName,
        mime: file.type.mime,
        size: file.size,
        now,
      });
      this.telemetry.uploadStored(file.type.kind, file.size);
      // The upload stands whatever the store says now: a count lost to an outage is one day's margin.
      await (userId === null
        ? this.limiter.add(this.anonymousBytesPerIp, rateSubjectOf(ip), file.size)
        : this.limiter.add(this.memberBytesPerUser, String(userId), file.size)
      ).catch(() => undefined);
      return {
        id,
        url: urlOfKey(file.key),
        mime: file.type.mime,
        size: file.size,
        originalName: file.originalName,
        createdAt: new Date(now),
      };
    } catch (error) {
      await this.discardUnlessRecorded([file], error);
      throw error;
    }
  }

  /**
   * Records received files inside the caller's transaction, as uploaded by the given users (the
   * importer's batches: an upload row must follow its owner's row). A file recorded already is
   * left as it is, so two transactions naming one file may both record it. Nothing is removed on
   * failure: the transaction may be retried, and the bytes belong to the caller until it commits.
   */
  async recordIn(
    tx: Tx,
    files: ReadonlyArray<{ file: ReceivedFile; userId: number | null; private: boolean; shown: boolean }>,
  ): Promise<void> {
    const now = this.clock.now();
    await insertUploadsIfAbsent(
      tx,
      files.map(({ file, userId, private: isPrivate, shown }) => ({
        userId,
        private: isPrivate,
        shown,
        key: file.key,
        originalName: file.originalName,
        mime: file.type.mime,
        size: file.size,
        now,
      })),
    );
  }

  /**
   * Receives a copy of a recorded upload's bytes under a new key, with its name and type, for the
   * caller to record (recordIn) or discard: a verification's private copy of a shown upload. Null
   * when the upload or its bytes are gone, or the bytes no longer pass as an upload.
   */
  async copy(key: string): Promise<ReceivedFile | null> {
    const row = await findUploadByKey(this.db, key);
    const stored = row ? await this.storage.get(key) : null;
    if (!row || !stored) return null;
    try {
      return await this.receive(stored.body, row.original_name, 'member');
    } catch (error) {
      if (error instanceof AppError) return null;
      throw error;
    } finally {
      // A refused copy is left unread past its refusal: let go of what is left of the stream.
      stored.body.destroy();
    }
  }

  /** Removes the bytes of a file that was received but will not be recorded. */
  async discard(file: ReceivedFile): Promise<void> {
    await this.storage.delete(file.key);
  }

  /**
   * Removes the bytes of files whose recording failed with `error`, unless it may have committed
   * all the same: MySQL's answer lost with its connection, or past the deadline. Deleted then, the
   * committed row named bytes that were gone, for good; kept, bytes no row names cost only disk.
   */
  async discardUnlessRecorded(files: readonly ReceivedFile[], error: unknown): Promise<void> {
    if (isDatabaseUnavailable(error)) return;
    for (const file of files) await this.discard(file);
  }

  /**
   * A recorded upload and its bytes, for serving; null for anything not recorded, and for a private
   * upload unless `signature` is valid (decided before any byte is read from storage). `maxAgeS`
   * is how long the answer may be cached: until the signature expires, for a private upload.
   */
  async open(key: string, signature: UrlSignature) {
    const row = await findUploadByKey(this.db, key);
    if (!row) return null;
    let maxAgeS = publicMaxAgeS;
    if (row.private) {
      maxAgeS = this.signer.remainingSeconds(key, signature, this.clock.now());
      if (maxAgeS === 0) return null;
    }
    const stored = await this.storage.get(key);
    return stored
      ? {
          file: toUploadedFile(row),
          body: stored.body,
          size: stored.size,
          private: Boolean(row.private),
          maxAgeS,
        }
      : null;
  }
}

/** A public upload never changes under its URL: a year. */
const publicMaxAgeS = 365 * 24 * 60 * 60;

function toUploadedFile(row: UploadRow): UploadedFile {
  return {
    id: row.id,
    url: urlOfKey(row.storage_key),
    mime: row.mime,
    size: Number(row.size),
    originalName: row.original_name,
    createdAt: new Date(Number(row.created_at)),
  };
}
