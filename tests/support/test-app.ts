import { randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../../server/src/app.js';
import { type Config, loadConfig } from '../../server/src/config.js';
import type { FileStorage } from '../../server/src/features/uploads/storage.js';
import { openFileStorage } from '../../server/src/features/uploads/storage-driver.js';
import { createLogger } from '../../server/src/logger.js';
import { type SmsMessage, SmsNotSent, type SmsSender } from '../../server/src/sms/sms-sender.js';
import type { Backend, OpenBackend } from './backends.js';
import { createTestBucket, listObjectKeys, readObject, s3Env } from './s3-server.js';
import { filesUnder } from './upload-client.js';

/** Where a test app keeps uploads: a folder of its own, or a bucket of its own on the test S3 server. */
export type StorageDriver = 'disk' | 's3';
export const storageDrivers: readonly StorageDriver[] = ['disk', 's3'];

/** Every backend with every storage driver, for the suites about uploads. */
export const backendsAndStorage = (backends: readonly Backend[]) =>
  backends.flatMap((backend) =>
    storageDrivers.map((storage) => ({ backend, storage, name: `${backend.name}, ${storage}` })),
  );

/** A clock the test moves by hand. */
export class ManualClock {
  private current = Date.now();
  now = () => this.current;
  advance(ms: number) {
    this.current += ms;
  }
  /** Moves to the start of the next whole unit (e.g. day) plus an offset; never backwards. */
  advanceToNext(unitMs: number, offsetMs = 0) {
    this.current = Math.floor(this.current / unitMs + 1) * unitMs + offsetMs;
  }
}

/** Keeps what would have been texted, so a test can read the code like a phone owner would. */
export class RecordingSms implements SmsSender {
  readonly sent: SmsMessage[] = [];
  /**
   * How the next send fails: `notSent`, the gateway refuses it; `unknown`, the message reaches the
   * phone (it is recorded) but the gateway's answer never comes back.
   */
  failNext: 'notSent' | 'unknown' | undefined;
  async send(message: SmsMessage) {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure === 'notSent') throw new SmsNotSent('gateway refused');
    this.sent.push(message);
    if (failure === 'unknown') throw new Error('gateway answer timed out');
  }
  lastCodeFor(phone: string): string {
    const message = this.sent.filter((m) => m.phone === phone).at(-1);
    if (!message) throw new Error(`no SMS sent to ${phone}`);
    return message.code;
  }
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly clock: ManualClock;
  readonly sms: RecordingSms;
  readonly stores: OpenBackend;
  /** Every line the service logged, for checks that secrets never reach it. */
  readonly logLines: string[];
  /** Where this app keeps uploaded files (disk: a folder of its own, removed on close). */
  readonly uploadDir: string;
  readonly storage: StorageDriver;
  /** Every storage key holding bytes right now: files under the folder, or objects in the bucket. */
  storedKeys(): Promise<string[]>;
  /** The bytes stored under a key, read behind the service's back. */
  readStored(key: string): Promise<Buffer>;
  close(): Promise<void>;
}

export async function startTestApp(
  backend: Backend,
  env: Record<string, string> = {},
  options: {
    storage?: StorageDriver;
    /** Wraps the storage the app is given (a test counting what the service reads of it). */
    wrapStorage?: (storage: FileStorage) => FileStorage;
  } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'svc-app-'));
  const storage = options.storage ?? 'disk';
  const s3Endpoint = inject('s3Endpoint');
  const bucket = storage === 's3' ? await createTestBucket(s3Endpoint) : '';
  const config = loadConfig({
    NODE_ENV: 'test',
    APP_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...(storage === 's3' ? s3Env(s3Endpoint, bucket) : {}),
    ...env,
  });
  const clock = new ManualClock();
  const sms = new RecordingSms();
  const stores = await backend.open(clock);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  // Without a wrapper the app opens its storage itself, and closes it.
  const wrapped = options.wrapStorage?.(await openFileStorage(config.storage));
  const app = await buildApp(config, {
    database: stores.database,
    kv: stores.kv,
    sms,
    clock,
    logger: createLogger(config, sink),
    ...(wrapped ? { storage: wrapped } : {}),
  });
  await app.ready();
  return {
    app,
    config,
    clock,
    sms,
    stores,
    logLines,
    uploadDir: config.uploadDir,
    storage,
    storedKeys: async () =>
      storage === 's3' ? listObjectKeys(s3Endpoint, bucket) : filesUnder(config.uploadDir),
    readStored: async (key) =>
      storage === 's3' ? readObject(s3Endpoint, bucket, key) : readFileSync(path.join(config.uploadDir, key)),
    async close() {
      // A close waits for every connection not idle at that moment, and clients keep theirs open
      // (the global fetch, at the server's 72 s keep-alive): a suite's teardown timed out so. A
      // test app ends them all; the shutdown suites drain real processes instead.
      app.server.closeAllConnections();
      await app.close();
      await wrapped?.close();
      await stores.close();
      rmSync(dataDir, { recursive: true, force: true });
      // Each procedure declares the codes it fails with (its meta; the docs list them), and so does
      // the upload route (typedUploadErrors): a code thrown undeclared, in any test of this file,
      // fails the file.
      const undeclared = logLines.filter((line) => line.includes('"undeclared error code"'));
      if (undeclared.length > 0) {
        const found = [
          ...new Set(
            undeclared.map((line) => {
              const { procedure, appCode } = JSON.parse(line) as { procedure: string; appCode: string };
              return `${procedure} threw ${appCode}`;
            }),
          ),
        ];
        throw new Error(`procedures failed with codes they do not declare: ${found.join('; ')}`);
      }
    },
  };
}

/** A fresh mainland mobile number, so tests sharing one MySQL database never collide. */
export function randomPhone(): string {
  return `1${randomInt(3, 10)}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
}

/** A fresh client address, so per-IP limits of one test do not spill into another. */
export function randomIp(): string {
  return `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/**
 * Starts listening on a free loopback port, for clients that need a real socket; answers the base
 * URL (a second call answers the same).
 */
export async function listen(t: TestApp): Promise<string> {
  if (!t.app.server.listening) await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}
