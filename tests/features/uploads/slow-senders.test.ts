import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { type Backend, backends, embedded } from '../../support/backends.js';
import { sampleZip } from '../../support/sample-files.js';
import { SlowSender } from '../../support/slow-sender.js';
import {
  backendsAndStorage,
  listen,
  type StorageDriver,
  startTestApp,
  storageDrivers,
  type TestApp,
} from '../../support/test-app.js';
import { type FilePost, multipartBody } from '../../support/upload-client.js';

/*
 * Senders that stall in the middle of a form or send too slowly. The service runs with short
 * limits here (the defaults are 30 s without a byte and 10 minutes in all) and with one upload to
 * S3 at a time, so a sender holding that one slot holds every other upload of the instance.
 */
const limits = { idleMs: 400, totalMs: 2500 };
const mb = 1024 * 1024;
const timedOut = { res: 0, err: '上传超时，请检查网络后重试', data: '' };

const unique = (name: string) => `${randomBytes(4).toString('hex')}-${name}`;
/** A zip archive padded to `bytes`: a document, so a member may send up to 50 MB of it. */
const archive = (bytes: number) => {
  const content = Buffer.alloc(bytes, 7);
  sampleZip().copy(content);
  return content;
};

const slowEnv = {
  S3_UPLOAD_CONCURRENCY: '1',
  UPLOAD_IDLE_TIMEOUT_MS: String(limits.idleMs),
  UPLOAD_WAIT_LIMIT_MS: String(limits.totalMs),
};

async function startSlowApp(backend: Backend, storage: StorageDriver) {
  const t = await startTestApp(backend, slowEnv, { storage });
  return { t, url: await listen(t) };
}

/** What the tests look at behind the service's back: the upload rows of a name, an upload's storage key. */
function probes(t: TestApp) {
  return {
    rowsNamed: async (name: string) =>
      (
        await t.stores.database.db
          .selectFrom('uploads')
          .select('id')
          .where('original_name', '=', name)
          .execute()
      ).length,
    keyOf: (url: string) => url.replace('/uploads/', ''),
  };
}

/** A whole upload by fetch, as a browser posts the legacy form; fails rather than wait forever. */
async function upload(url: string, path: string, post: FilePost, headers: Record<string, string> = {}) {
  const { payload, contentType } = await multipartBody(post);
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...headers },
    body: new Uint8Array(payload),
    signal: AbortSignal.timeout(8000),
  });
  return (await response.json()) as { res: number; err: string; data: { url: string } };
}

describe.each(backendsAndStorage(backends))('stalled upload senders ($name)', ({ backend, storage }) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    ({ t, url } = await startSlowApp(backend, storage));
  });
  afterAll(() => t.close());

  it('cuts off an upload stalled mid-file, so the next upload gets through, and keeps none of it', async () => {
    const { rowsNamed, keyOf } = probes(t);
    const session = await loginBySms(t);
    const before = await t.storedKeys();
    const name = unique('stalled.zip');
    const { payload, contentType } = await multipartBody({
      content: archive(8 * mb),
      filename: name,
      fields: checkFields(session),
    });
    const stalled = await SlowSender.open(url);
    try {
      stalled.postHead('/user/api/file_upload', { 'content-type': contentType }, payload.length);
      // Past the first 5 MB part: on S3 a multipart upload is under way in the instance's one slot.
      await stalled.send(payload.subarray(0, 6 * mb));

      // It sends nothing more, and keeps its connection open. Another member's upload still goes through.
      const other = await upload(url, '/user/api/file_upload', {
        content: archive(2 * mb),
        filename: 'other.zip',
        fields: checkFields(await loginBySms(t)),
      });
      expect(other.res).toBe(1);

      // The stalled sender is told why, and the connection is closed: its body will never be read.
      const answer = await stalled.answer(5000);
      expect(answer).toMatchObject({ status: 200, body: timedOut });
      expect(answer.headers.connection).toBe('close');
      expect(await stalled.closedByServer(2000)).toBe(true);
      // Nothing of it is left: no object, no partial file, no row.
      expect(await t.storedKeys()).toEqual([...before, keyOf(other.data.url)].sort());
      expect(await rowsNamed(name)).toBe(0);
    } finally {
      stalled.destroy();
    }
  });

  it.runIf(storage === 's3')(
    'gives a client its upload slot back as soon as it leaves while waiting for the store',
    async () => {
      // Two uploads at once per client here, and one sending to S3 at a time: A sends, B waits.
      const strict = await startTestApp(backend, { ...slowEnv, UPLOADS_PER_CLIENT: '2' }, { storage });
      const strictUrl = await listen(strict);
      const form = async (name: string) =>
        multipartBody({
          content: archive(8 * mb),
          filename: unique(name),
          fields: checkFields(await loginBySms(strict)),
        });
      const a = await form('a.zip');
      const b = await form('b.zip');
      const sending = await SlowSender.open(strictUrl);
      const waiting = await SlowSender.open(strictUrl);
      try {
        sending.postHead('/user/api/file_upload', { 'content-type': a.contentType }, a.payload.length);
        await sending.send(a.payload.subarray(0, 6 * mb));
        // A keeps sending, a little at a time: it holds the store's one slot up to the total limit.
        let sent = 6 * mb;
        const trickle = setInterval(() => {
          void sending.send(a.payload.subarray(sent, sent + 1024)).catch(() => undefined);
          sent += 1024;
        }, 150);
        try {
          waiting.postHead('/user/api/file_upload', { 'content-type': b.contentType }, b.payload.length);
          await waiting.send(b.payload.subarray(0, 64 * 1024));
          await new Promise((resolve) => setTimeout(resolve, 200));
          // B's client goes away while B waits for the store.
          waiting.destroy();
          await new Promise((resolve) => setTimeout(resolve, 200));
          // Before, B kept the client's second slot until A was done, and this upload was refused
          // at once with 同时上传的文件过多; now it waits its turn and is stored.
          const third = await upload(strictUrl, '/user/api/file_upload', {
            content: archive(mb),
            filename: unique('c.zip'),
            fields: checkFields(await loginBySms(strict)),
          });
          expect(third).toMatchObject({ res: 1 });
        } finally {
          clearInterval(trickle);
        }
      } finally {
        sending.destroy();
        waiting.destroy();
        await strict.close();
      }
    },
    30_000,
  );

  it('discards a file received whole when the login fields after it never come', async () => {
    const { rowsNamed } = probes(t);
    const session = await loginBySms(t);
    const before = await t.storedKeys();
    const name = unique('waiting.zip');
    const { payload, contentType } = await multipartBody({
      content: archive(mb),
      filename: name,
      fields: checkFields(session),
      fieldsAfterFile: true,
    });
    const stalled = await SlowSender.open(url);
    try {
      stalled.postHead('/user/api/file_upload', { 'content-type': contentType }, payload.length);
      // The whole file part and the start of the first login field: the file is stored, unrecorded.
      const loginField = payload.indexOf('name="user_id_check"');
      await stalled.send(payload.subarray(0, loginField + 30));

      expect((await stalled.answer(5000)).body).toEqual(timedOut);
      expect(await t.storedKeys()).toEqual(before);
      expect(await rowsNamed(name)).toBe(0);
    } finally {
      stalled.destroy();
    }
  });

  /** Sends the first `sent` bytes of a typed upload of `content`, then nothing more. */
  async function stallTypedUpload(content: Buffer, name: string, sent: (payload: Buffer) => number) {
    const session = await loginBySms(t);
    const { payload, contentType } = await multipartBody({ content, filename: name });
    const stalled = await SlowSender.open(url);
    stalled.postHead(
      '/api/uploads',
      { 'content-type': contentType, authorization: `Bearer ${session.token}` },
      payload.length,
    );
    await stalled.send(payload.subarray(0, sent(payload)));
    return stalled;
  }

  it('answers a typed upload stalled mid-file with UPLOAD_TIMEOUT (408), keeping nothing', async () => {
    const { rowsNamed } = probes(t);
    const before = await t.storedKeys();
    const name = unique('typed.zip');
    const stalled = await stallTypedUpload(archive(3 * mb), name, () => mb);
    try {
      const answer = await stalled.answer(5000);
      expect(answer.status).toBe(408);
      expect(answer.body).toMatchObject({
        error: { data: { appCode: 'UPLOAD_TIMEOUT', httpStatus: 408 } },
      });
      expect(await stalled.closedByServer(2000)).toBe(true);
      expect(await t.storedKeys()).toEqual(before);
      expect(await rowsNamed(name)).toBe(0);
    } finally {
      stalled.destroy();
    }
  });

  it('records no typed upload whose file came whole but whose form never ended', async () => {
    const { rowsNamed } = probes(t);
    const before = await t.storedKeys();
    const name = unique('unended.zip');
    // All but the closing `--` and line break of the last boundary: the file part is whole.
    const stalled = await stallTypedUpload(archive(mb), name, (payload) => payload.length - 4);
    try {
      expect((await stalled.answer(5000)).status).toBe(408);
      expect(await t.storedKeys()).toEqual(before);
      expect(await rowsNamed(name)).toBe(0);
    } finally {
      stalled.destroy();
    }
  });
});

describe.each(storageDrivers)('slow but live upload senders (embedded, %s)', (storage) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    ({ t, url } = await startSlowApp(embedded, storage));
  });
  afterAll(() => t.close());

  it('keeps a slow but steady sender, and an upload waiting all the while for the store', async () => {
    const session = await loginBySms(t);
    const { payload, contentType } = await multipartBody({
      content: archive(600 * 1024),
      filename: 'steady.zip',
      fields: checkFields(session),
    });
    const waitingPost = { content: archive(8 * mb), filename: 'waiting.zip', fields: checkFields(session) };
    const steady = await SlowSender.open(url);
    try {
      steady.postHead('/user/api/file_upload', { 'content-type': contentType }, payload.length);
      // Pieces well inside the idle limit, about three times that limit in all, within the total.
      const sending = steady.trickle(payload, 8, limits.idleMs / 3);
      await new Promise((resolve) => setTimeout(resolve, 50));
      // On S3 this one waits for the slot the steady sender holds, longer than the idle limit: its
      // client is held back by TCP, which is the service's doing, not a stall.
      const waiting = await upload(url, '/user/api/file_upload', waitingPost);
      await sending;
      expect((await steady.answer(5000)).body).toMatchObject({ res: 1 });
      expect(waiting.res).toBe(1);
    } finally {
      steady.destroy();
    }
  });

  it('cuts off a sender too slow to finish within the total limit, though it never stops', async () => {
    const { rowsNamed } = probes(t);
    const session = await loginBySms(t);
    const before = await t.storedKeys();
    const name = unique('dribble.zip');
    const { payload, contentType } = await multipartBody({
      content: archive(mb),
      filename: name,
      fields: checkFields(session),
    });
    const dribbler = await SlowSender.open(url);
    try {
      dribbler.postHead('/user/api/file_upload', { 'content-type': contentType }, payload.length);
      // 1 MB in 200 pieces, 100 ms apart: 20 s, never idle for long.
      dribbler.trickle(payload, 200, 100).catch(() => undefined);

      expect((await dribbler.answer(limits.totalMs + 3000)).body).toEqual(timedOut);
      expect(await t.storedKeys()).toEqual(before);
      expect(await rowsNamed(name)).toBe(0);
    } finally {
      dribbler.destroy();
    }
  });
});
