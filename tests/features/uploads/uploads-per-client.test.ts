import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileStorage } from '../../../server/src/features/uploads/storage.js';
import { checkFields, loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { eventually } from '../../support/eventually.js';
import { sampleJpeg, samplePng, sampleZip } from '../../support/sample-files.js';
import { SlowSender } from '../../support/slow-sender.js';
import { backendsAndStorage, listen, randomIp, startTestApp, type TestApp } from '../../support/test-app.js';
import { multipartBody } from '../../support/upload-client.js';

/*
 * A client may have UPLOADS_PER_CLIENT (here 2) uploads in flight at once on an instance,
 * whichever door they came through: otherwise one client trickling a few uploads holds every
 * S3_UPLOAD_CONCURRENCY slot for up to UPLOAD_WAIT_LIMIT_MS. The client address is
 * X-Forwarded-For's: the test is the proxy on loopback.
 */
const idleMs = 2000;
const tooMany = { res: 0, err: '同时上传的文件过多，请等待当前上传完成后再试', data: '' };
const notLoggedIn = { res: 0, err: '没有登录或状态过期', data: '' };
const timedOut = { res: 0, err: '上传超时，请检查网络后重试', data: '' };
const mb = 1024 * 1024;
/** A zip archive padded to `bytes`: a file only a member may send. */
const archive = (bytes: number) => {
  const content = Buffer.alloc(bytes, 7);
  sampleZip().copy(content);
  return content;
};

type Door = 'legacy' | 'typed';
const paths = { legacy: '/user/api/file_upload', typed: '/api/uploads' } as const;

/** The storage the app is given, counting the files that reached it. */
class WatchedStorage implements FileStorage {
  puts = 0;
  constructor(private readonly inner: FileStorage) {}
  put(key: string, body: Readable) {
    this.puts++;
    return this.inner.put(key, body);
  }
  get(key: string) {
    return this.inner.get(key);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  check() {
    return this.inner.check();
  }
  close() {
    return this.inner.close();
  }
}

describe.each(backendsAndStorage(backends))(
  'uploads in flight per client ($name)',
  ({ backend, storage }) => {
    let t: TestApp;
    let url: string;
    let watched: WatchedStorage;
    let session: { userId: number; token: string };
    beforeAll(async () => {
      t = await startTestApp(
        backend,
        {
          TRUST_PROXY: '127.0.0.1',
          UPLOAD_IDLE_TIMEOUT_MS: String(idleMs),
          UPLOAD_WAIT_LIMIT_MS: '20000',
          UPLOADS_PER_CLIENT: '2',
        },
        {
          storage,
          wrapStorage: (inner) => {
            watched = new WatchedStorage(inner);
            return watched;
          },
        },
      );
      url = await listen(t);
      session = await loginBySms(t);
    });
    afterAll(() => t.close());

    /** The client's own headers: its address, and on the typed door its login. */
    const headersOf = (door: Door, ip: string, token = session.token): Record<string, string> => ({
      'x-forwarded-for': ip,
      ...(door === 'typed' ? { authorization: `Bearer ${token}` } : {}),
    });

    /**
     * Opens an anonymous legacy upload and a typed one from `ip`, sends part of each file, then
     * nothing; or, `kept`, a byte of it every quarter of the idle limit, so that they hold their slots
     * however long the test's steps take (on a slow machine, a test's steps outlasted the idle limit,
     * the stalls timed out and freed the slots the test meant to be held).
     */
    async function stallTwo(ip: string, kept = false): Promise<SlowSender[]> {
      const reached = watched.puts;
      const forms = [
        { door: 'legacy', path: '/index/api/file_upload', file: sampleJpeg(mb), filename: 'a.jpg' },
        { door: 'typed', path: paths.typed, file: archive(mb), filename: 'b.zip' },
      ] as const;
      const senders: SlowSender[] = [];
      for (const form of forms) {
        const { payload, contentType } = await multipartBody({ content: form.file, filename: form.filename });
        const sender = await SlowSender.open(url);
        senders.push(sender);
        sender.postHead(
          form.path,
          { 'content-type': contentType, ...headersOf(form.door, ip) },
          payload.length,
        );
        await sender.send(payload.subarray(0, 64 * 1024));
        // Fails once the test destroys the sender: that ends it.
        if (kept) void sender.trickle(Buffer.alloc(100), 100, idleMs / 4).catch(() => undefined);
      }
      // Both files have reached the storage: each upload holds its slot.
      await eventually(
        async () => watched.puts,
        (puts) => puts === reached + 2,
        5000,
      );
      return senders;
    }

    /** A whole upload by fetch from `ip`: a member's legacy form, or a typed upload. */
    async function upload(door: Door, ip: string, file = { content: samplePng(), filename: 'p.png' }) {
      const { payload, contentType } = await multipartBody({
        ...file,
        ...(door === 'legacy' ? { fields: checkFields(session) } : {}),
      });
      const response = await fetch(`${url}${paths[door]}`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...headersOf(door, ip) },
        body: new Uint8Array(payload),
        signal: AbortSignal.timeout(idleMs / 2),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }
    const stored = (answer: { body: Record<string, unknown> }) =>
      answer.body.res === 1 || typeof answer.body.url === 'string';

    /**
     * An upload from `ip` refused before its file is read. On the typed door it sends its headers
     * alone (its login is one), declaring a 50 MB body: the answer comes at once, and the server reads
     * what comes of the rest (for Node's fetch), until it has been silent for the upload's idle limit. On the legacy door it also sends the form's text parts (the
     * login fields `fields`, before the file unless `fieldsAfterFile`), the file part's own headers
     * and its first 16 bytes (the multipart parser announces a file part once a byte of it has come).
     * Its refusal is HTTP 200, which a browser reads only once it has sent its whole body: no answer
     * comes until the rest of the declared `length` has, then the connection stays open. A body
     * longer than any form (`length` over 52 MB) is answered at once instead, and closed.
     */
    async function refusedBeforeFile(
      door: Door,
      ip: string,
      login: { token?: string; fields?: Record<string, string>; fieldsAfterFile?: boolean } = {},
      length = door === 'legacy' ? 4 * mb : 50 * mb,
    ) {
      const { payload, contentType } = await multipartBody({
        content: samplePng(),
        filename: 'p.png',
        fields: login.fields ?? checkFields(session),
        fieldsAfterFile: login.fieldsAfterFile ?? false,
      });
      const fileStart = payload.indexOf('\r\n\r\n', payload.indexOf('filename=')) + 4;
      const sent = payload.subarray(0, fileStart + 16);
      const sender = await SlowSender.open(url);
      try {
        sender.postHead(
          paths[door],
          { 'content-type': contentType, ...headersOf(door, ip, login.token) },
          length,
        );
        if (door === 'legacy') {
          await sender.send(sent);
          if (length <= 52 * mb) {
            await expect(sender.answer(300)).rejects.toThrow('no answer');
            await sender.send(Buffer.alloc(length - sent.length));
          }
        }
        const answer = await sender.answer(idleMs / 2);
        return { ...answer, closed: await sender.closedByServer(idleMs / 4) };
      } finally {
        sender.destroy();
      }
    }

    it('refuses a third upload at once on either door while two stall, and takes other clients’ uploads', async () => {
      const ip = randomIp();
      const stalled = await stallTwo(ip, true);
      const puts = watched.puts;
      try {
        // Refused before a byte of the file is parsed; the legacy door's answer once the body has come.
        const legacy = await refusedBeforeFile('legacy', ip);
        expect(legacy).toMatchObject({ status: 200, body: tooMany, closed: false });
        expect(legacy.headers.connection).toBe('keep-alive');
        // A body longer than any form is not read: answered at once, as too large (413, which a
        // browser shows mid-upload; tests/legacy/browser-upload-refusal.test.ts), and closed.
        const endless = await refusedBeforeFile('legacy', ip, {}, 200 * mb);
        expect(endless).toMatchObject({ status: 413, body: tooMany, closed: true });
        expect(endless.headers.connection).toBe('close');
        // The typed door answers at once; the rest of the body is read and dropped while it comes
        // (Node's fetch shows no answer whose request it could not finish sending).
        const typed = await refusedBeforeFile('typed', ip);
        expect(typed).toMatchObject({ status: 429, closed: false });
        expect(typed.headers.connection).toBe('keep-alive');
        expect(typed.body).toMatchObject({
          error: {
            message: 'Too many uploads at once from this address; wait for one to finish, then try again',
            data: { appCode: 'UPLOAD_TOO_MANY_AT_ONCE', httpStatus: 429, messageZh: tooMany.err },
          },
        });
        // A browser sends the whole form before it reads the answer; it reads the refusal all the same,
        // also when the connection closes while most of its body is still on the way.
        expect((await upload('legacy', ip)).body).toEqual(tooMany);
        const archived = await upload('typed', ip, { content: archive(8 * mb), filename: 'big.zip' });
        expect(archived.body).toMatchObject({ error: { data: { appCode: 'UPLOAD_TOO_MANY_AT_ONCE' } } });
        // None of the refused ones reached the storage.
        expect(watched.puts).toBe(puts);

        // Another client's uploads go through meanwhile, on both doors.
        const other = randomIp();
        expect(stored(await upload('legacy', other))).toBe(true);
        expect(stored(await upload('typed', other))).toBe(true);
      } finally {
        for (const sender of stalled) sender.destroy();
      }
    });

    it('tells a client at its cap that is not logged in so, on either door, storing none of its file', async () => {
      const ip = randomIp();
      const stalled = await stallTwo(ip, true);
      const puts = watched.puts;
      const deadToken = 'not-a-live-token';
      try {
        const legacy = await refusedBeforeFile('legacy', ip, {
          fields: checkFields({ userId: session.userId, token: deadToken }),
        });
        expect(legacy).toMatchObject({ status: 200, body: notLoggedIn, closed: false });
        const typed = await refusedBeforeFile('typed', ip, { token: deadToken });
        expect(typed).toMatchObject({
          status: 401,
          body: { error: { data: { appCode: 'UNAUTHENTICATED', messageZh: notLoggedIn.err } } },
          closed: false,
        });
        // Login fields sent after the file are not known when its slot is wanted: at the cap the file is
        // refused for the cap, unparsed, rather than parsed in full to learn the login.
        const loginAfter = await refusedBeforeFile('legacy', ip, { fieldsAfterFile: true });
        expect(loginAfter).toMatchObject({ status: 200, body: tooMany, closed: false });
        expect(watched.puts).toBe(puts);
      } finally {
        for (const sender of stalled) sender.destroy();
      }
    });

    it('refuses a legacy form whose login fields before the file are no login, before storing any of it', async () => {
      // Not at its cap: the file would have been stored (and held a slot) until the form ended.
      const puts = watched.puts;
      const refused = await refusedBeforeFile('legacy', randomIp(), {
        fields: checkFields({ userId: session.userId + 1, token: session.token }),
      });
      expect(refused).toMatchObject({ status: 200, body: notLoggedIn, closed: false });
      expect(watched.puts).toBe(puts);
      // The same form with the member's own login is taken.
      expect(stored(await upload('legacy', randomIp()))).toBe(true);
    });

    it('gives the slots back as soon as the client drops its stalled uploads', async () => {
      const ip = randomIp();
      const stalled = await stallTwo(ip);
      try {
        expect((await upload('typed', ip)).status).toBe(429);
      } finally {
        for (const sender of stalled) sender.destroy();
      }
      const droppedAt = performance.now();
      // Both doors take its uploads again, long before the idle timeout could have freed the slots.
      await eventually(
        () => upload('legacy', ip),
        (answer) => stored(answer),
        idleMs / 2,
      );
      expect(stored(await upload('typed', ip))).toBe(true);
      expect(performance.now() - droppedAt).toBeLessThan(idleMs);
    });

    it('gives the slots back when the stalled uploads time out', async () => {
      const ip = randomIp();
      const stalled = await stallTwo(ip);
      try {
        expect((await upload('legacy', ip)).body).toEqual(tooMany);
        const [legacy, typed] = await Promise.all(stalled.map((sender) => sender.answer(idleMs * 3)));
        expect(legacy?.body).toEqual(timedOut);
        expect(typed?.status).toBe(408);
        // Each slot is back by the time its sender is told: the client may upload at once.
        expect(stored(await upload('legacy', ip))).toBe(true);
        expect(stored(await upload('typed', ip))).toBe(true);
      } finally {
        for (const sender of stalled) sender.destroy();
      }
    });
  },
);
