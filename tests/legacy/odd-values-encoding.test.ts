import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { backends } from '../support/backends.js';
import { legacyPost } from '../support/legacy-client.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A body that is not UTF-8 (a form posted in GBK, a stray byte, or its percent escapes) is refused
 * as unreadable. Read leniently, each bad byte became U+FFFD, and `你好` posted in GBK was stored
 * as `����` (as `%C4%E3%BA%C3` when escaped).
 */
describe.each(backends)('bodies that are not UTF-8 ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  const gbkHello = Buffer.from([0xc4, 0xe3, 0xba, 0xc3]);

  it('refuses a form or JSON body with bytes that are not UTF-8, and stores nothing', async () => {
    const person = await loginBySms(t, undefined, 1);
    const { user_id_check, token_check } = checkFields(person);
    const login = `user_id_check=${user_id_check}&token_check=${token_check}`;
    const bodies = [
      ['application/x-www-form-urlencoded', Buffer.concat([Buffer.from(`${login}&fen=3&name=`), gbkHello])],
      ['application/x-www-form-urlencoded; charset=x-no-such-charset', Buffer.from(`${login}&fen=3&name=a`)],
      [
        'application/x-www-form-urlencoded',
        Buffer.concat([Buffer.from(`${login}&fen=3&name=a`), Buffer.from([0xff])]),
      ],
      [
        'application/json',
        Buffer.concat([
          Buffer.from(`{"user_id_check":"${user_id_check}","token_check":"${token_check}","fen":3,"name":"`),
          gbkHello,
          Buffer.from('"}'),
        ]),
      ],
    ] as const;
    for (const [type, payload] of bodies) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/user/user_person_ji/add',
        payload,
        headers: { 'content-type': type },
      });
      expect(response.statusCode, type).toBe(400);
      expect(response.json(), type).toEqual({ res: 0, err: '请求格式错误', data: '' });
    }
    const list = await legacyPost(t.app, '/user/user_person_ji/index', checkFields(person));
    expect((list.body.data as { total: number }).total).toBe(0);
  });

  it('reads a form or JSON body in the charset it declares (GBK), escapes included', async () => {
    // Read as UTF-8 whatever the body said, 小说 (D0A1 CBB5 in GBK, which happen to be UTF-8 too)
    // was stored as С˵, with success; 你好 was refused.
    const person = await loginBySms(t, undefined, 1);
    const { user_id_check, token_check } = checkFields(person);
    const login = `user_id_check=${user_id_check}&token_check=${token_check}`;
    const gbk = (hex: string) => Buffer.from(hex, 'hex');
    const bodies = [
      [
        'application/x-www-form-urlencoded; charset=GBK',
        Buffer.concat([Buffer.from(`${login}&fen=3&name=`), gbkHello]),
        '你好',
      ],
      [
        'application/x-www-form-urlencoded; charset=gbk',
        Buffer.from(`${login}&fen=3&name=%D0%A1%CB%B5+a`),
        '小说 a',
      ],
      [
        'application/x-www-form-urlencoded;charset="gb2312"',
        Buffer.concat([Buffer.from(`${login}&fen=3&name=`), gbk('d1a7cfb0'), Buffer.from('%D0%A1')]),
        '学习小',
      ],
      [
        'application/json; charset=gb18030',
        Buffer.concat([
          Buffer.from(`{"user_id_check":"${user_id_check}","token_check":"${token_check}","fen":3,"name":"`),
          gbk('d0a1cbb5'),
          Buffer.from('"}'),
        ]),
        '小说',
      ],
    ] as const;
    for (const [type, payload, name] of bodies) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/user/user_person_ji/add',
        payload,
        headers: { 'content-type': type },
      });
      expect(response.json(), type).toMatchObject({ res: 1, data: { name } });
    }
    // Bytes that are not of the charset declared (a lead byte cut off) are refused as before.
    const refused = await t.app.inject({
      method: 'POST',
      url: '/user/user_person_ji/add',
      payload: Buffer.concat([Buffer.from(`${login}&fen=3&name=a`), gbk('81')]),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=gbk' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({ res: 0, err: '请求格式错误', data: '' });
  });

  it('refuses a charset that would show other fields than a proxy sees, and reads the ISO-8859-1 label as UTF-8', async () => {
    const person = await loginBySms(t, undefined, 1);
    const { user_id_check, token_check } = checkFields(person);
    const send = (type: string, payload: Buffer) =>
      t.app.inject({
        method: 'POST',
        url: '/user/user_person_ji/add',
        payload,
        headers: { 'content-type': type },
      });
    // UTF-16 keys and values between one-byte `&` and `=`: this read `name=<b>` where a proxy saw
    // NULs.
    const utf16 = (text: string) => Buffer.from(text, 'utf16le');
    const smuggled = Buffer.concat(
      Object.entries({ user_id_check, token_check, fen: '3', name: '<b>' }).flatMap(([key, value], i) => [
        Buffer.from(i > 0 ? '&' : ''),
        utf16(key),
        Buffer.from('='),
        utf16(String(value)),
      ]),
    );
    // ISO-2022-JP's escapes vanish as it decodes: `na\x1b(Bme=<b\x1b(B>` read as `name=<b>`.
    const escaped = Buffer.from(
      `user_id_check=${user_id_check}&token_check=${token_check}&fen=3&na\x1b(Bme=<b\x1b(B>`,
    );
    const login = `user_id_check=${user_id_check}&token_check=${token_check}&fen=3`;
    for (const [type, payload] of [
      ['application/x-www-form-urlencoded; charset=utf-16le', smuggled],
      ['application/x-www-form-urlencoded; charset=iso-2022-jp', escaped],
      ['application/json; charset=iso-2022-jp', Buffer.from(`{"name":"<b\x1b(B>"}`)],
      // Two different charsets: a proxy may take either.
      ['application/x-www-form-urlencoded; charset=gbk; charset=utf-8', Buffer.from(`${login}&name=a`)],
      // A parameter without a value beside it: a strict parser gave up on the header, and read it
      // as UTF-8.
      ['application/x-www-form-urlencoded; charset=utf-16le; x', smuggled],
    ] as const) {
      const response = await send(type, payload);
      expect(response.statusCode, type).toBe(400);
      expect(response.json(), type).toEqual({ res: 0, err: '请求格式错误', data: '' });
    }
    const list = await legacyPost(t.app, '/user/user_person_ji/index', checkFields(person));
    expect((list.body.data as { total: number }).total).toBe(0);

    // HTTP libraries label what they send ISO-8859-1 by default; the old backend read it as UTF-8.
    // And a charset inside another parameter's quoted value names none (it was read as GBK: 浣犲ソ).
    for (const type of [
      'application/x-www-form-urlencoded; charset=ISO-8859-1',
      'application/x-www-form-urlencoded; note=";charset=gbk"',
      // The same charset twice, as some relays send it, and a parameter that only ends in
      // "charset".
      'application/x-www-form-urlencoded; charset=utf-8; charset=UTF8',
      'application/x-www-form-urlencoded; charset=utf-8; charset=latin1',
      'application/x-www-form-urlencoded; xcharset=gbk; charset=""',
    ]) {
      const response = await send(type, Buffer.from(`${login}&name=你好`));
      expect(response.json(), type).toMatchObject({ res: 1, data: { name: '你好' } });
    }
    // In a declared charset too, `+` is a space and a `%` that starts no escape is kept.
    const gbkForm = Buffer.concat([Buffer.from(`${login}&name=%%+`), gbkHello, Buffer.from('%D0%A1%')]);
    // Spaces around `=`, and a parameter without a value, as clients write them, still name GBK.
    for (const type of [
      'application/x-www-form-urlencoded; charset=gbk',
      'application/x-www-form-urlencoded; charset = gbk',
      'application/x-www-form-urlencoded; charset=gbk; x',
    ]) {
      expect((await send(type, gbkForm)).json(), type).toMatchObject({
        res: 1,
        data: { name: '%% 你好小%' },
      });
    }
    // A field name behind a byte order mark is another name, as a proxy in front sees it.
    const marked = await send(
      'application/x-www-form-urlencoded',
      Buffer.from(`${login}&%EF%BB%BFname=evil`),
    );
    expect(marked.json()).toMatchObject({ res: 0, err: '技能描述不能为空' });
  });

  it('refuses percent escapes that are not UTF-8, in a form or a query string, and stores nothing', async () => {
    const person = await loginBySms(t, undefined, 1);
    const { user_id_check, token_check } = checkFields(person);
    const login = `user_id_check=${user_id_check}&token_check=${token_check}`;
    // 你好 in GBK, escaped: read leniently it was stored as typed, `%C4%E3%BA%C3`.
    const requests = [
      { url: '/user/user_person_ji/add', payload: `${login}&fen=3&name=%C4%E3%BA%C3` },
      { url: '/user/user_person_ji/add', payload: `${login}&fen=3&name=a%FF` },
      { url: '/user/user_person_ji/add?name=%C4%E3%BA%C3', payload: `${login}&fen=3` },
    ];
    for (const { url, payload } of requests) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.statusCode, payload).toBe(400);
      expect(response.json(), payload).toEqual({ res: 0, err: '请求格式错误', data: '' });
    }
    const list = await legacyPost(t.app, '/user/user_person_ji/index', checkFields(person));
    expect((list.body.data as { total: number }).total).toBe(0);
  });

  it('refuses a multipart text part that is not UTF-8, and stores nothing', async () => {
    const person = await loginBySms(t, undefined, 1);
    const boundary = 'gbkBoundary';
    const part = (name: string, value: Buffer | string) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
        Buffer.from(value),
        Buffer.from('\r\n'),
      ]);
    const form = (name: Buffer | string) =>
      Buffer.concat([
        ...Object.entries(checkFields(person)).map(([key, value]) => part(key, String(value))),
        part('fen', '3'),
        part('name', name),
        Buffer.from(`--${boundary}--\r\n`),
      ]);
    const send = (name: Buffer | string) =>
      t.app.inject({
        method: 'POST',
        url: '/user/user_person_ji/add',
        payload: form(name),
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
    const refused = await send(gbkHello);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({ res: 0, err: '请求格式错误', data: '' });
    const list = await legacyPost(t.app, '/user/user_person_ji/index', checkFields(person));
    expect((list.body.data as { total: number }).total).toBe(0);
    expect((await send('你好')).json()).toMatchObject({ res: 1, data: { name: '你好' } });
  });

  it('reads UTF-8 escapes, and keeps a % that starts no escape as typed', async () => {
    const person = await loginBySms(t, undefined, 1);
    const { user_id_check, token_check } = checkFields(person);
    const login = `user_id_check=${user_id_check}&token_check=${token_check}`;
    for (const [name, stored] of [
      ['%E4%BD%A0%E5%A5%BD+a', '你好 a'],
      ['100%', '100%'],
      ['100%+%E4%BD%A0', '100% 你'],
      // Stray %, lower-case hex, an escape cut short at the end, text of several bytes between.
      ['%zz%e4%bd%a0好%4', '%zz你好%4'],
      ['a%%E4%BD%A0%', 'a%你%'],
      ['😀%F0%9F%98%80%2', '😀😀%2'],
    ] as const) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/user/user_person_ji/add',
        payload: `${login}&fen=3&name=${name}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(response.json(), name).toMatchObject({ res: 1, data: { name: stored } });
    }
  });

  it('still reads UTF-8, with or without a byte order mark', async () => {
    const person = await loginBySms(t, undefined, 1);
    const fields = JSON.stringify({ ...checkFields(person), name: '你好😀', fen: 3 });
    for (const payload of [
      Buffer.from(fields),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(fields)]),
    ]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/user/user_person_ji/add',
        payload,
        headers: { 'content-type': 'application/json;charset=UTF-8' },
      });
      expect(response.json()).toMatchObject({ res: 1, data: { name: '你好😀' } });
    }
  });
});
