import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import type { Client } from '../../../client-sdk/index.js';
import { checkFields } from '../../support/auth-flow.js';
import { type Encoding, legacyPost } from '../../support/legacy-client.js';
import { samplePng } from '../../support/sample-files.js';
import type { TestApp } from '../../support/test-app.js';
import { postFile } from '../../support/upload-client.js';

export interface Session {
  readonly userId: number;
  readonly token: string;
  readonly phone: string;
}

/** A valid mainland ID number (GB 11643 check character) for the given birth date. */
export function idNumber(birth = '19900307', region = '110105'): string {
  const body = `${region}${birth}${String(randomInt(0, 1000)).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((total, weight, i) => total + weight * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}

/**
 * A complete 个体户 (geti) form as the deployed client sends it; the caller names the phone, the
 * legal representative's ID number and the partners it checks.
 */
export const getiForm = (fields: {
  shouji: string;
  faren_code: string;
  hehuo: { hehuoren_name: string; hehuoren_code: string }[];
}) => ({
  name: '张记小吃店',
  zhusuo: ['广东省', '广州市', '天河区'],
  jingying: '天河路100号',
  youbian: '510000',
  zhiben: '100.5',
  leixing: '个体工商户',
  hesuan: '1',
  renshu: '12',
  hangye: '餐饮业',
  fangwen: '小吃 饮料',
  faren_name: '张老板',
  ...fields,
});

/** The same number with a wrong check character. */
export function withWrongCheck(id: string): string {
  const last = id.at(-1) === '0' ? '1' : '0';
  return id.slice(0, 17) + last;
}

/** Uploads an image as the user and answers its `{id, url}`. */
export async function uploadImage(
  t: TestApp,
  session: Session,
  width = 16,
): Promise<{ id: number; url: string }> {
  const answer = await postFile(t.app, '/user/api/file_upload', {
    content: samplePng(width, 8),
    filename: 'id-card.png',
    fields: checkFields(session),
  });
  if (answer.body.res !== 1) throw new Error(`upload failed: ${answer.body.err}`);
  return answer.body.data as { id: number; url: string };
}

/** Posts to a `/user/...` route as the session's owner. */
export const post = (
  t: TestApp,
  session: Session,
  url: string,
  fields: Record<string, unknown> = {},
  encoding: Encoding = 'json',
) => legacyPost(t.app, url, { ...checkFields(session), ...fields }, encoding);

export async function info(t: TestApp, session: Session) {
  const answer = await post(t, session, '/user/info/info');
  expect(answer.body.res).toBe(1);
  return answer.body.data as Record<string, unknown> & {
    person: Record<string, unknown> | null;
    company: Record<string, unknown> | null;
    geti: Record<string, unknown> | null;
  };
}

export { adminSession, loginBySms } from '../../support/auth-flow.js';

/** The user's pending item of that kind in the admin queue (other suites share the database). */
export async function findPending(
  admin: Client,
  kind: 'person' | 'company' | 'individualBusiness',
  userId: number,
) {
  for (let page = 1; ; page++) {
    const result = await admin.account.pendingVerifications.query({ kind, page, perPage: 100 });
    const item = result.items.find((i) => i.verification.userId === userId);
    if (item || page >= result.lastPage) return item;
  }
}
