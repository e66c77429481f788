import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import { runAdmin } from './admin-cli.js';
import { checkFields, loginBySms } from './auth-flow.js';
import { type Encoding, legacyPost } from './legacy-client.js';
import type { TestApp } from './test-app.js';
import { postFile } from './upload-client.js';

export interface Session {
  readonly userId: number;
  readonly token: string;
  readonly phone: string;
}

/**
 * Legacy calls as a logged-in session: `post` answers the envelope; `okData` expects `res: 1` (the
 * failure names the path and fields) and answers `data`. The app is asked for at each call, so a
 * suite can make these before its `beforeAll` starts the app.
 */
export function legacyCalls(app: () => TestApp) {
  const post = (path: string, session: Session, fields: Record<string, unknown> = {}) =>
    legacyPost(app().app, path, { ...checkFields(session), ...fields });
  const okData = async (path: string, session: Session, fields: Record<string, unknown> = {}) => {
    const answer = await post(path, session, fields);
    expect(answer.body, `${path} ${JSON.stringify(fields)}`).toMatchObject({ res: 1, err: '' });
    return answer.body.data as Record<string, unknown>;
  };
  return { post, okData };
}

/** The fields the deployed client posts to `/user/goods/add`: strings for numbers, dates as YYYY-MM-DD. */
export const demandFields = (overrides: Record<string, unknown> = {}) => ({
  title: '微信小程序开发',
  titletype: '1',
  price: '1500.50',
  pricetype: '2',
  address: ['广东省', '深圳市', '南山区'],
  timeb: '2026-12-01',
  timee: '2026-12-31',
  sort: '软件开发',
  des: '开发一个预约小程序，含后台',
  ...overrides,
});

export async function postDemand(
  t: TestApp,
  owner: Session,
  overrides: Record<string, unknown> = {},
  encoding: Encoding = 'json',
): Promise<number> {
  const answer = await legacyPost(
    t.app,
    '/user/goods/add',
    { ...checkFields(owner), ...demandFields(overrides) },
    encoding,
  );
  if (answer.body.res !== 1) throw new Error(`add failed: ${answer.body.err}`);
  return (answer.body.data as { id: number }).id;
}

export async function approveDemand(t: TestApp, id: number): Promise<void> {
  await runAdmin(t, 'review-demand', { id: String(id), approve: true });
}

export async function rejectDemand(t: TestApp, id: number, reason = '信息不全'): Promise<void> {
  await runAdmin(t, 'review-demand', { id: String(id), reject: true, reason });
}

/** `n` random CJK characters no other test writes, so searches and counts on a shared MySQL stay exact. */
export const rareCjk = (n: number) =>
  Array.from({ length: n }, () => String.fromCodePoint(randomInt(0x4e00, 0x9fa5))).join('');

export async function apply(
  t: TestApp,
  applicant: Session,
  demandId: number,
  msg = '我有三年小程序经验',
): Promise<number> {
  const answer = await legacyPost(t.app, '/user/goods_order/add', {
    ...checkFields(applicant),
    goods_id: String(demandId),
    msg,
  });
  if (answer.body.res !== 1) throw new Error(`apply failed: ${answer.body.err}`);
  return (answer.body.data as { id: number }).id;
}

/** Credits the owner's wallet through the admin CLI, as an operator does after a bank transfer. */
/** An employer's approved demand at `price` yuan with one application from each of `applicants` new users; not paid. */
export async function approvedWithApplicants(t: TestApp, price: string, applicants: number) {
  const owner = await loginBySms(t, undefined, 2);
  const workers: Session[] = [];
  for (let i = 0; i < applicants; i++) workers.push(await loginBySms(t, undefined, 1));
  const demandId = await postDemand(t, owner, { price });
  await approveDemand(t, demandId);
  const ids: number[] = [];
  for (const worker of workers) ids.push(await apply(t, worker, demandId));
  return { owner, workers, demandId, ids };
}

export async function credit(t: TestApp, session: Session, amountYuan: string): Promise<void> {
  await runAdmin(t, 'credit', { phone: session.phone, amount: amountYuan });
}

/** Credits the owner with the demand's price and pays the demand into escrow. */
export async function fundAndPay(
  t: TestApp,
  owner: Session,
  demandId: number,
  priceYuan = '1500.50',
): Promise<void> {
  await credit(t, owner, priceYuan);
  const answer = await legacyPost(t.app, '/user/goods/goodspay', {
    ...checkFields(owner),
    id: String(demandId),
  });
  if (answer.body.res !== 1) throw new Error(`goodspay failed: ${answer.body.err}`);
}

/** Uploads a file through the logged-in legacy upload route and answers its URL. */
export async function uploadFile(
  t: TestApp,
  session: Session,
  content: Buffer,
  filename: string,
): Promise<string> {
  const answer = await postFile(t.app, '/user/api/file_upload', {
    content,
    filename,
    fields: checkFields(session),
  });
  if (answer.body.res !== 1) throw new Error(`upload failed: ${answer.body.err}`);
  return (answer.body.data as { url: string }).url;
}
