import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import pLimit, { type LimitFunction } from 'p-limit';
import type { StorageConfig } from '../../config.js';
import { StoreUnavailableError } from '../../errors.js';
import { putInParts } from './s3-parts.js';
import { type FileStorage, isStorageKey } from './storage.js';

type S3Config = Extract<StorageConfig, { driver: 's3' }>;

/** S3's smallest part but the last: a file up to this size is sent with one PUT. */
const partSize = 5 * 1024 * 1024;

/**
 * Uploads as objects of one bucket of an S3-compatible store, under the same keys the disk driver
 * uses as paths. Several instances share the bucket, so a file uploaded through one is served by
 * any. Objects are written only whole: a single PUT, or a multipart upload that becomes visible
 * when completed and is aborted (its parts dropped) when the incoming stream fails.
 */
export class S3Storage implements FileStorage {
  private readonly client: S3Client;
  private readonly bucket: string;

  /**
   * Uploads sending to the store at once. Each holds one part buffer (5 MB) in memory; the others
   * wait unread, their clients held back by TCP. Without the cap, 20 concurrent 40 MB uploads to a
   * slow store grew the process by ~400 MB.
   */
  private readonly sending: LimitFunction;
  /** Part buffers of finished uploads, for the next ones: never more than `sending` lets run. */
  private readonly spareParts: Buffer[] = [];

  constructor(config: S3Config) {
    this.sending = pLimit(config.concurrentUploads);
    this.bucket = config.bucket;
    this.client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      // A copy: the SDK marks the object it is given, and the config is frozen.
      ...(config.credentials ? { credentials: { ...config.credentials } } : {}),
      forcePathStyle: config.forcePathStyle,
      // Checksum headers only where S3 requires them: the default adds CRC32 trailers to every
      // request, which several S3-compatible stores refuse; TLS already guards the bytes in transit.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // One retry, then the request fails (503): a store that is down must not hold requests.
      maxAttempts: 2,
      requestHandler: {
        connectionTimeout: 2000,
        // Until the store's answer begins: a store that accepts connections and never answers
        // failed an upload or a download only after two idle socket timeouts (66 s), while the
        // upload held its client's slot. The body of a file being served may then pause longer,
        // while its reader is slow: the socket's idle limit covers that.
        requestTimeout: config.timeoutMs,
        throwOnRequestTimeout: true,
        socketTimeout: 30_000,
        // Each file being served holds a socket until its client has read it.
        httpAgent: { keepAlive: true, maxSockets: 256 },
        httpsAgent: { keepAlive: true, maxSockets: 256 },
      },
    });
  }

  async put(key: string, body: Readable): Promise<void> {
    this.checkKey(key);
    let bodyFailure: unknown;
    let started = false;
    // A body that fails while its upload waits for a slot (its client gone, its time up) ends the
    // wait: the upload, and the client's own upload slot with it, is over now, not when the queue
    // reaches it. Once sending, the store's own answer is waited for, so that nothing is left.
    const failedWhileWaiting = new Promise<never>((_, reject) => {
      body.once('error', (error) => {
        bodyFailure = error;
        if (!started) reject(error);
      });
    });
    const sent = this.sending(async () => {
      started = true;
      if (bodyFailure !== undefined) throw bodyFailure;
      const part = this.spareParts.pop() ?? Buffer.allocUnsafe(partSize);
      try {
        await putInParts(this.client, { Bucket: this.bucket, Key: key }, body, part);
      } finally {
        this.spareParts.push(part);
      }
    });
    // Whichever of the two is not awaited to its end must not fail unhandled.
    sent.catch(() => undefined);
    failedWhileWaiting.catch(() => undefined);
    try {
      await Promise.race([sent, failedWhileWaiting]);
    } catch (error) {
      // The stream's own failure (too large, cut off by the client) is the answer, as it was thrown,
      // not what the store said meanwhile.
      throw bodyFailure ?? unavailable(error);
    }
  }

  async get(key: string): Promise<{ body: Readable; size: number } | null> {
    this.checkKey(key);
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!(object.Body instanceof Readable) || object.ContentLength === undefined) {
        throw new Error(`GetObject of ${key} answered no stream or no length`);
      }
      return { body: object.Body, size: object.ContentLength };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw unavailable(error);
    }
  }

  async delete(key: string): Promise<void> {
    this.checkKey(key);
    try {
      // Deleting what is not there succeeds on S3, as on disk here.
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      throw unavailable(error);
    }
  }

  /**
   * Whether the bucket exists and these credentials reach it; main.ts asks once at boot. Not
   * answering is an outage (StoreUnavailableError); a refusal names the bucket and what was
   * answered: a missing one read "NotFound: UnknownError", naming nothing.
   */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      // No keys set and none to be found (no role, no ~/.aws): configuration, though the SDK's
      // error is no answer of the store's. Taken for an outage, the instance started and refused
      // every upload.
      if (error instanceof Error && error.name === 'CredentialsProviderError') {
        throw new Error(`S3 credentials: ${error.message}: set S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY`, {
          cause: error,
        });
      }
      const outage = unavailable(error);
      if (outage instanceof StoreUnavailableError) throw outage;
      const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
      const missing = status === 404 ? ': no such bucket (create it, or set S3_BUCKET)' : '';
      const answer = `${status ?? ''} ${String(error)}`.trim();
      throw new Error(`bucket ${JSON.stringify(this.bucket)} answered ${answer}${missing}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Keys come only from newStorageKey; anything else here is a bug, not a lookup. */
  private checkKey(key: string): void {
    if (!isStorageKey(key)) throw new Error(`not a storage key: ${JSON.stringify(key)}`);
  }
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404)
  );
}

/**
 * The store not answering (network, timeouts, 5xx, throttling) is an outage: 503, like MySQL or
 * Redis being down. Refusals (no such bucket, access denied) are misconfiguration and stay errors.
 */
function unavailable(error: unknown): unknown {
  const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
  const refused = status !== undefined && status < 500 && status !== 429;
  return refused ? error : new StoreUnavailableError('storage', error);
}
