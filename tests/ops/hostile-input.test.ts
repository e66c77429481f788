import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient, httpStatusOf, isAppError } from '../../client-sdk/index.js';
import { embedded } from '../support/backends.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

/*
 * Requests built to cost the service far more than they cost the sender. Each is answered; where
 * no step of the service can be observed to be skipped (busboy's parsing of a refused body), the
 * CPU the request takes is held to a bound ten times what the fixed service needs and well under
 * what it cost before (5.3 s), so a slow CI machine does not fail it.
 */

/** CPU time (user + system, ms) this process spent while `work` ran. */
async function cpuMsOf<T>(work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(before);
  return { result, cpuMs: (used.user + used.system) / 1000 };
}

const boundary = 'hostileBoundary';

/** Tiny multipart text parts, `count` of them, as one buffer (no closing boundary). */
const tinyParts = (count: number) =>
  Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n`.repeat(count));

describe('hostile input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(embedded);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stops parsing a multipart body once its parts are refused, however many follow', async () => {
    // 50 MB of 62-byte parts, streamed in 62 KB chunks. Before: busboy parsed every part after the
    // parts limit only to skip it, ~10 s of CPU after the answer; now the rest is discarded unparsed.
    const chunk = tinyParts(1000);
    const chunks = 800;
    const body = Readable.from(
      (async function* () {
        for (let i = 0; i < chunks; i++) {
          // As from a socket: each chunk in an I/O turn of its own.
          await new Promise(setImmediate);
          yield chunk;
        }
        yield Buffer.from(`--${boundary}--\r\n`);
      })(),
    );
    const { result: response, cpuMs } = await cpuMsOf(async () => {
      const answer = await t.app.inject({
        method: 'POST',
        url: '/index/api/loginpassword',
        payload: body,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
      // The answer comes first; what the service does with the rest of the body counts too.
      await finished(body);
      return answer;
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ res: 0, err: '请求内容过大' });
    expect(cpuMs).toBeLessThan(3000);
  });

  const trpcPost = (path: string, payload: string) =>
    t.app.inject({
      method: 'POST',
      url: `/trpc/${path}`,
      payload,
      headers: { 'content-type': 'application/json' },
    });
  const appCodeOf = (body: string) =>
    (JSON.parse(body) as { error: { json: { data: { appCode: string } } } }).error.json.data.appCode;

  it('refuses a superjson Map with paths into it before superjson rebuilds it', async () => {
    // 40,000 entries and a path to each: superjson steps through the Map from its start for every
    // path, ~4.5 s of CPU (the event loop blocked) before the schema refused the Map. So many values
    // are refused before parsing now; a Map within the count is refused by its type.
    const mapWith = (count: number) => {
      const entries = Array.from({ length: count }, (_, i) => [i, 0]);
      const paths = entries.map((_, i) => `"phone.${i}.1"`).join(',');
      return `{"json":{"phone":${JSON.stringify(entries)},"x":1},"meta":{"values":{"phone":["map"]},"referentialEqualities":{"x":[${paths}]}}}`;
    };
    // Refused before superjson rebuilds anything: deserialize is never reached.
    const rebuild = vi.spyOn(superjson, 'deserialize');
    try {
      const huge = await trpcPost('auth.loginWithPassword', mapWith(40_000));
      expect(huge.statusCode).toBe(413);
      expect(appCodeOf(huge.body)).toBe('BODY_TOO_LARGE');
      const small = await trpcPost('auth.loginWithPassword', mapWith(100));
      expect(small.statusCode).toBe(400);
      expect(appCodeOf(small.body)).toBe('VALIDATION_FAILED');
      expect(rebuild).not.toHaveBeenCalled();
    } finally {
      rebuild.mockRestore();
    }
  });

  it('refuses superjson types no procedure takes, and inputs nested absurdly deep', async () => {
    const refused = [
      `{"json":{"phone":"${'9'.repeat(500_000)}","password":"x"},"meta":{"values":{"phone":["bigint"]}}}`,
      '{"json":{"phone":[1,2],"password":"x"},"meta":{"values":{"phone":["set"]}}}',
      '{"json":{"phone":"a","password":"x"},"meta":{"values":{"phone":[["class","X"]]}}}',
      // Deeper than 32 levels (far deeper is past the count of values, refused before parsing).
      `{"json":{"phone":${'['.repeat(40)}${']'.repeat(40)},"password":"x"}}`,
    ];
    for (const payload of refused) {
      const response = await trpcPost('auth.loginWithPassword', payload);
      expect(response.statusCode).toBe(400);
      expect(appCodeOf(response.body)).toBe('VALIDATION_FAILED');
    }
  });

  it('answers a body or query input that is no JSON as malformed, not as an invalid input', async () => {
    const body = await trpcPost('auth.requestSmsCode', '{"json":');
    expect(body.statusCode).toBe(400);
    expect(appCodeOf(body.body)).toBe('MALFORMED_REQUEST');
    const query = await t.app.inject({ method: 'GET', url: '/trpc/demands.list?input=%7Bnot' });
    expect(query.statusCode).toBe(400);
    expect(appCodeOf(query.body)).toBe('MALFORMED_REQUEST');
    // JSON that a schema refuses is still an invalid input.
    const refused = await trpcPost('auth.requestSmsCode', '{"json":{"phone":"12"}}');
    expect(appCodeOf(refused.body)).toBe('VALIDATION_FAILED');
  });

  it('still takes Dates and undefined, repeated objects included', async () => {
    // The SDK writes referentialEqualities when one Date object appears twice in an input.
    const response = await trpcPost(
      'auth.loginWithPassword',
      '{"json":{"phone":"13800138000","password":"some-password","a":"2026-01-01T00:00:00.000Z","b":"2026-01-01T00:00:00.000Z","c":null},' +
        '"meta":{"values":{"a":["Date"],"b":["Date"],"c":["undefined"]},"referentialEqualities":{"a":["b"]}}}',
    );
    // Past the input: the phone has no account.
    expect(appCodeOf(response.body)).not.toBe('VALIDATION_FAILED');
  });

  it('refuses a multipart body on /trpc before reading it', async () => {
    // tRPC read such a body whole into a FormData no procedure takes; on a socket, without any limit.
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="phone"\r\n\r\n${'1'.repeat(2_000_000)}\r\n--${boundary}--\r\n`;
    const response = await t.app.inject({
      method: 'POST',
      url: '/trpc/auth.loginWithPassword',
      payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(response.statusCode).toBe(415);
    expect(appCodeOf(response.body)).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers what is refused before tRPC runs as tRPC answers, so the SDK reads its code', async () => {
    // Before: the legacy envelope ({res: 0, err}), which the SDK could only report as "Unable to
    // transform response from server", without the code or the status.
    const url = await listen(t);
    const client = createClient({ url });
    const tooLarge = await client.auth.loginWithPassword
      .mutate({ phone: '13800138000', password: 'x'.repeat(2 * 1024 * 1024) })
      .catch((error: unknown) => error);
    expect(isAppError(tooLarge, 'BODY_TOO_LARGE')).toBe(true);
    expect(httpStatusOf(tooLarge)).toBe(413);
  });

  it('refuses a JSON body of more members than any form has fields, on both doors, before parsing it', async () => {
    // 1 MB of 116,000 short keys: parsed and merged with the query it stalled the event loop
    // ~140 ms a request, without a login. A body's members are counted (spaced colons too) first.
    const members = (count: number, colon = ':') =>
      `{${Array.from({ length: count }, (_, i) => `"${i.toString(36)}"${colon}0`).join(',')}}`;
    const send = (url: string, payload: string) =>
      t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });

    for (const payload of [members(116_000), members(2001, ' : ')]) {
      const legacy = await send('/index/api/loginpassword', payload);
      expect(legacy.statusCode).toBe(413);
      expect(legacy.json()).toEqual({ res: 0, err: '请求内容过大', data: '' });
      const typed = await send('/trpc/auth.loginWithPassword', payload);
      expect(typed.statusCode).toBe(413);
      expect(appCodeOf(typed.body)).toBe('BODY_TOO_LARGE');
    }
    // As many as a resume of 100 projects and more are read as before.
    const allowed = await send('/index/api/loginpassword', members(2000));
    expect(allowed.json()).toMatchObject({ res: 0, err: '手机号码不能为空' });
  });

  it('counts empty objects and arrays too, and nothing inside strings', async () => {
    // 900 KB of empty objects, no member at all: ~200 ms a request to parse and rebuild as
    // superjson, without a login, and 20 at once froze the service for seconds.
    const send = (url: string, payload: string) =>
      t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
    const emptyObjects = JSON.stringify({ json: { items: Array(300_000).fill({}) } });
    const emptyArrays = JSON.stringify(Array(2001).fill([]));
    for (const payload of [emptyObjects, emptyArrays]) {
      const legacy = await send('/index/api/loginpassword', payload);
      expect(legacy.statusCode).toBe(413);
      const typed = await send('/trpc/demands.list', payload);
      expect(typed.statusCode).toBe(413);
      expect(appCodeOf(typed.body)).toBe('BODY_TOO_LARGE');
    }
    // Commas, braces and escaped quotes in a text are no values: a long description is read.
    const text = '{[a, b], "c", \\"d\\"}, '.repeat(5_000);
    const answer = await send('/index/api/loginpassword', JSON.stringify({ phone: '', password: text }));
    expect(answer.json()).toMatchObject({ res: 0, err: '手机号码不能为空' });
  });

  it('reads a form value of a megabyte of stray % or + for about what an ordinary one costs', async () => {
    // Each stray `%` and each `+` cost a call of its own: 1 MB of either took 30–45 × a plain
    // body's CPU, without a login, and four clients sending them slowed the public list a
    // thousandfold.
    const cpuOfFive = async (value: string, type = 'application/x-www-form-urlencoded') => {
      const { result: answers, cpuMs } = await cpuMsOf(async () => {
        const answers = [];
        for (let i = 0; i < 5; i++) {
          answers.push(
            await t.app.inject({
              method: 'POST',
              url: '/index/api/loginpassword',
              payload: `phone=&password=${value}`,
              headers: { 'content-type': type },
            }),
          );
        }
        return answers;
      });
      for (const answer of answers) expect(answer.json()).toMatchObject({ res: 0, err: '手机号码不能为空' });
      return cpuMs;
    };
    const size = 1_000_000;
    // An ordinary value as long, a space in it: decoded by the same loop, into as many characters.
    const plainValue = `${'a'.repeat(size - 1)}+`;
    const hostile = [
      ['%'.repeat(size), undefined],
      ['+'.repeat(size), undefined],
      ['%'.repeat(size), 'application/x-www-form-urlencoded; charset=gbk'],
      ['+'.repeat(size), 'application/x-www-form-urlencoded; charset=gbk'],
    ] as const;
    // The least of three runs: a garbage collection of what earlier test files left in the worker's
    // heap lands in one run now and then (once 7 x on Node 24 in CI, where alone it was 1.3-2.6 x).
    const leastOfThree = async (value: string, type?: string) =>
      Math.min(await cpuOfFive(value, type), await cpuOfFive(value, type), await cpuOfFive(value, type));
    // Each warmed up alike, so none is measured while its code is still being compiled.
    await cpuOfFive(plainValue);
    for (const [value, type] of hostile) await cpuOfFive(value, type);
    const plain = await leastOfThree(plainValue);
    for (const [value, type] of hostile) {
      const cpuMs = await leastOfThree(value, type);
      expect(cpuMs, `${value[0]} ${type ?? ''}: ${cpuMs} ms against ${plain} ms`).toBeLessThan(6 * plain);
    }
  });

  it('refuses form names nested past the contract’s two levels or indexed past 100, before qs merges them', async () => {
    const fields = (count: number, name: (i: number) => string) =>
      Array.from({ length: count }, (_, i) => `${name(i)}=1`).join('&');
    const malformed = { res: 0, err: '请求格式错误', data: '' };
    // 28 KB without a login: qs's merging of its sparse arrays took 37–80 ms of CPU a request and,
    // a few at once, a gigabyte of memory; the public list answered it as page 1.
    const deep = fields(999, (i) => `a[${i}][${i}][${i}][${i}][${i}]`);
    const wide = fields(200, (i) => `a[${i}]`); // one past the longest list is read, 200 are not
    for (const [url, payload] of [
      ['/index/goods/index', deep],
      ['/index/goods/index', wide],
      [`/index/goods/index?${deep}`, ''],
    ] as const) {
      const answer = await t.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(answer.statusCode, url.slice(0, 30)).toBe(400);
      expect(answer.json()).toEqual(malformed);
    }
    // Multipart text parts' names nest the same way.
    const part = `--${boundary}\r\nContent-Disposition: form-data; name="a[1][2][3]"\r\n\r\n1\r\n--${boundary}--\r\n`;
    const multipart = await t.app.inject({
      method: 'POST',
      url: '/index/goods/index',
      payload: part,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(multipart.statusCode).toBe(400);
    expect(multipart.json()).toEqual(malformed);
    // Past 1000 fields the rest were dropped and the form taken as if whole: too large, as JSON is.
    const many = await t.app.inject({
      method: 'POST',
      url: '/index/goods/index',
      payload: fields(1001, (i) => `k${i}`),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(many.statusCode).toBe(413);
    expect(many.json()).toEqual({ res: 0, err: '请求内容过大', data: '' });
    // The contract's deepest names still read: two levels, a list of 100.
    const partners = fields(100, (i) => `hehuo[${i}][hehuoren_name]`);
    const list = await t.app.inject({
      method: 'POST',
      url: '/index/goods/index',
      payload: `${partners}&file[]=a&file[]=b`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(list.json()).toMatchObject({ res: 1 });
  });
});
