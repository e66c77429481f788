import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { markLegacyHash, verifyLegacyHash } from '../../server/src/features/auth/legacy-passwords.js';
import { PasswordHasher } from '../../server/src/features/auth/passwords.js';
import { FloatValue } from '../../server/src/legacy-import/float-values.js';
import * as v from '../../server/src/legacy-import/values.js';

const refusal = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    if (error instanceof v.RowRefused) return error.message;
    throw error;
  }
  return undefined;
};

describe('reading old columns', () => {
  it('tells a web address from one that would run script where a client shows it', () => {
    for (const url of ['/uploads/a.png', 'uploads/a.png', 'http://x.cn/a', 'HTTPS://x.cn', 'www.x.cn', '']) {
      expect(v.isWebAddress(url), url).toBe(true);
    }
    for (const url of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'java\tscript:alert(1)',
      '\njavascript:x',
      'data:text/html,x',
    ]) {
      expect(v.isWebAddress(url), url).toBe(false);
    }
  });

  it('reads yuan exactly as fen, from DECIMAL text and from the numbers FLOAT columns give', () => {
    expect(v.fen({ price: '5000.00' }, 'price')).toBe(500_000);
    expect(v.fen({ price: '0.1' }, 'price')).toBe(10);
    expect(v.fen({ price: '12.3400' }, 'price')).toBe(1234);
    expect(v.fen({ price: 19.99 }, 'price')).toBe(1999);
    expect(v.fen({ price: 1000.5 }, 'price')).toBe(100_050);
    expect(v.fen({ price: 100 }, 'price')).toBe(10_000);
    expect(v.fen({ price: null }, 'price', 0)).toBe(0);
  });

  it('refuses amounts that are not an exact number of fen, negative or no number', () => {
    expect(refusal(() => v.fen({ amount: '12.345' }, 'amount'))).toBe(
      'amount is no amount of yuan with at most 2 decimals: "12.345"',
    );
    expect(refusal(() => v.fen({ amount: 0.005 }, 'amount'))).toMatch(/at most 2 decimals/);
    expect(refusal(() => v.fen({ amount: '-3.00' }, 'amount'))).toBe('amount is negative: "-3.00"');
    expect(refusal(() => v.fen({ amount: '一百' }, 'amount'))).toMatch(/no amount of yuan/);
    expect(refusal(() => v.fen({ amount: null }, 'amount'))).toMatch(/no amount of yuan/);
  });

  it('reads a FLOAT column as the one amount of fen its exact value stands for, or refuses it', () => {
    const float = (yuan: number) => new FloatValue(Math.fround(yuan));
    expect(v.fen({ price: float(123456.78) }, 'price')).toBe(12_345_678);
    expect(v.fen({ price: float(99999.99) }, 'price')).toBe(9_999_999);
    expect(v.fen({ price: float(19.99) }, 'price')).toBe(1999);
    expect(v.fen({ price: float(0) }, 'price')).toBe(0);
    expect(refusal(() => v.fen({ price: float(1234567.89) }, 'price'))).toBe(
      'price is a FLOAT holding 1234567.875, which 1234567.87 and 1234567.88 yuan are both stored as: the amount cannot be told',
    );
    expect(refusal(() => v.fen({ price: float(12.345) }, 'price'))).toBe(
      `price is no amount of yuan with at most 2 decimals: ${Math.fround(12.345)} (a FLOAT column)`,
    );
    expect(refusal(() => v.fen({ price: float(-3) }, 'price'))).toBe('price is negative: -3');
    expect(v.wanYuanFenOrNull({ zhiben: float(12345.67) }, 'zhiben')).toBe(12_345_670_000);
    expect(refusal(() => v.wanYuanFenOrNull({ zhiben: float(10.555) }, 'zhiben'))).toMatch(/万元.*FLOAT/);
  });

  it('reads registered capital in 万元, exact to the fen', () => {
    expect(v.wanYuanFenOrNull({ zhiben: '10.50' }, 'zhiben')).toBe(10_500_000);
    expect(v.wanYuanFenOrNull({ zhiben: '0.000001' }, 'zhiben')).toBe(1);
    expect(v.wanYuanFenOrNull({ zhiben: '' }, 'zhiben')).toBeNull();
    expect(refusal(() => v.wanYuanFenOrNull({ zhiben: '1.0000001' }, 'zhiben'))).toMatch(/万元/);
  });

  it('measures text by characters, and TEXT columns by their UTF-8 bytes', () => {
    expect(v.text({ name: '张三' }, 'name', 2)).toBe('张三');
    expect(refusal(() => v.text({ name: '张三丰' }, 'name', 2))).toBe('name is longer than 2 characters (3)');
    expect(v.text({ name: null }, 'name', 2)).toBe('');
    expect(refusal(() => v.longText({ des: '需'.repeat(21_846) }, 'des'))).toMatch(/65,535 bytes/);
  });

  it('reads codes, flags, unix times, phones, URL lists and work periods', () => {
    expect(v.code({ titletype: '2' }, 'titletype', [1, 2, 3])).toBe(2);
    expect(refusal(() => v.code({ titletype: 4 }, 'titletype', [1, 2, 3]))).toBe(
      'titletype has no known meaning: 4',
    );
    expect(refusal(() => v.flag({ pay: 2 }, 'pay'))).toBe('pay has no known meaning: 2');
    expect(v.unixMs({ time: 1_551_398_400 }, 'time')).toBe(1_551_398_400_000);
    expect(v.unixMsOrNull({ time: 0 }, 'time')).toBeNull();
    expect(v.phone({ phone: ' 13800138000 ' }, 'phone')).toBe('13800138000');
    expect(refusal(() => v.phone({ phone: '1380013800' }, 'phone'))).toBe('bad phone "1380013800"');
    expect(v.phone({ phone: '13800138000\r\n' }, 'phone')).toBe('13800138000');
    expect(v.phone({ phone: '+86 138 0013 8000' }, 'phone')).toBe('13800138000');
    expect(v.phone({ phone: '0086-138-0013-8000' }, 'phone')).toBe('13800138000');
    expect(v.phone({ phone: 8613800138000 }, 'phone')).toBe('13800138000');
    expect(refusal(() => v.phone({ phone: '+1 415 555 0100' }, 'phone'))).toBe('bad phone "+1 415 555 0100"');
    expect(refusal(() => v.phone({ phone: '86138001380001' }, 'phone'))).toMatch(/^bad phone/);
    expect(v.trimmedText({ code: '11010519491231002X ' }, 'code', 18)).toBe('11010519491231002X');
    expect(refusal(() => v.urlList({ pic: `/a.png,/${'a'.repeat(2000)}` }, 'pic'))).toBe(
      'pic names a URL longer than 2000 characters',
    );
    expect(v.urlList({ pic: ' /a.png, ,/b.png ' }, 'pic')).toEqual(['/a.png', '/b.png']);
    expect(v.urlList({ pic: 'HTTPS://old.example/a.png,uploads/b.png' }, 'pic')).toHaveLength(2);
    expect(refusal(() => v.urlList({ pic: '/a.png, data:text/html,<script>' }, 'pic'))).toBe(
      'pic names no web address: "data:text/html"',
    );
    expect(v.period({ jtime: '2019-03-01,2019-12-31' }, 'jtime', 'Asia/Shanghai')).toEqual([
      Date.parse('2019-03-01T00:00:00+08:00'),
      Date.parse('2019-12-31T00:00:00+08:00'),
    ]);
    expect(v.period({ jtime: '1551398400' }, 'jtime', 'Asia/Shanghai')).toEqual([1_551_398_400_000, null]);
    expect(v.period({ jtime: '' }, 'jtime', 'Asia/Shanghai')).toEqual([null, null]);
    expect(refusal(() => v.period({ jtime: '2019-02-30' }, 'jtime', 'Asia/Shanghai'))).toBe(
      'jtime is no time: "2019-02-30"',
    );
  });
});

describe('old password hashes', () => {
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

  it('are kept only when recognisable, marked with their kind', () => {
    expect(markLegacyHash(md5('pw').toUpperCase())).toBe(`$legacy-md5$${md5('pw')}`);
    expect(markLegacyHash(sha1('pw'))).toBe(`$legacy-sha1$${sha1('pw')}`);
    const bcrypt2y = bcrypt.hashSync('pw', 4).replace(/^\$2b\$/, '$2y$');
    expect(markLegacyHash(bcrypt2y)).toBe(`$legacy-bcrypt$${bcrypt2y}`);
    expect(markLegacyHash('pw')).toBeNull();
    // A cost that would hold the main thread for hours at every login to the account.
    const costly = bcrypt2y.replace(/^\$2y\$04\$/, '$2y$31$');
    expect(costly).not.toBe(bcrypt2y);
    expect(markLegacyHash(costly)).toBeNull();
    expect(markLegacyHash(bcrypt2y.replace(/^\$2y\$04\$/, '$2y$13$'))).toBeNull();
    expect(markLegacyHash(bcrypt2y.replace(/^\$2y\$04\$/, '$2y$12$'))).not.toBeNull();
    expect(markLegacyHash('e10adc3949ba59abbe56e057f20f883')).toBeNull();
    expect(markLegacyHash('$argon2id$v=19$m=19456,t=2,p=1$x$y')).toBeNull();
  });

  it('verify the password they were made of, and only that', async () => {
    for (const [stored, password] of [
      [`$legacy-md5$${md5('密码123')}`, '密码123'],
      [`$legacy-sha1$${sha1('secret')}`, 'secret'],
      [`$legacy-bcrypt$${bcrypt.hashSync('secret', 4).replace(/^\$2b\$/, '$2a$')}`, 'secret'],
    ] as const) {
      expect(await verifyLegacyHash(stored, password)).toBe(true);
      expect(await verifyLegacyHash(stored, `${password}x`)).toBe(false);
    }
    expect(await verifyLegacyHash('$legacy-md5$zz', 'x')).toBe(false);
    // Marked before costs were checked: refused without running it.
    const costly = bcrypt.hashSync('secret', 4).replace(/^\$2b\$04\$/, '$2y$31$');
    expect(await verifyLegacyHash(`$legacy-bcrypt$${costly}`, 'secret')).toBe(false);
  });

  it('go through the password hasher, which asks for them to be replaced', async () => {
    const hasher = new PasswordHasher();
    const stored = `$legacy-md5$${md5('pw')}`;
    expect(await hasher.verify(stored, 'pw')).toBe(true);
    expect(await hasher.verify(stored, 'pW')).toBe(false);
    expect(hasher.needsRehash(stored)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('pw'))).toBe(false);
  });
});
