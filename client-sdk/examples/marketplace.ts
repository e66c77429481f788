/**
 * The marketplace, end to end, through the typed SDK: an employer and a worker log in by SMS, the
 * employer posts a demand, an admin approves it and credits the employer's wallet, the worker
 * applies, the employer pays the demand into escrow and selects the worker, the worker uploads
 * and delivers, the employer pays out, and both read their wallets.
 *
 *   npm run example                      # starts a throwaway local server of its own
 *   npm run example -- http://host:3000  # or against a running server (see README.md)
 *
 * Exits non-zero if any step fails.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { appErrorCode, createClient, isAppError, uploadFile } from '../index.js';
import { SmsInbox, startLocalServer } from './local-server.js';

/** A login as the app keeps it; the client reads the token through a getter, so it can change. */
interface Session {
  readonly phone: string;
  token?: string;
  userId?: number;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const randomMobile = () => `13${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
const yuan = (fen: number) => (fen / 100).toFixed(2);

/** A 4×4 PNG and a small zip, as a frontend would take them from a file input. */
const previewPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAALUlEQVR4nAXBgQ2AMAgAsLqBQULC/9/aQlAMpMin8kxeWvSpjumXFXtr39nvBxIkAP14SI/EAAAAAElFTkSuQmCC',
  'base64',
);
const resultZip = Buffer.from(
  'UEsDBAoAAAAAAAAAAAARtBEwDwAAAA8AAAAKAAAAcmVzdWx0LnR4dGRlbGl2ZXJlZCB3b3JrClBLAQIUAAoAAAAAAAAAAAARtBEwDwAAAA8AAAAKAAAAAAAAAAAAAAAAAAAAAAByZXN1bHQudHh0UEsFBgAAAAABAAEAOAAAADcAAAAAAA==',
  'base64',
);

async function walkThrough(url: string, inbox: SmsInbox, admin: { phone: string; password: string }) {
  const employer: Session = { phone: randomMobile() };
  const worker: Session = { phone: randomMobile() };
  const operator: Session = { phone: admin.phone };
  // One client per person; each asks its session for the token before every request.
  const asEmployer = createClient({ url, token: () => employer.token });
  const asWorker = createClient({ url, token: () => worker.token });
  const asAdmin = createClient({ url, token: () => operator.token });

  // 1. Log in by SMS: a new phone registers as the given user type.
  for (const [session, api, userType] of [
    [employer, asEmployer, 'company'],
    [worker, asWorker, 'person'],
  ] as const) {
    await api.auth.requestSmsCode.mutate({ phone: session.phone });
    const code = await inbox.codeFor(session.phone);
    const login = await api.auth.loginWithSmsCode.mutate({ phone: session.phone, code, userType });
    session.token = login.token;
    session.userId = login.userId;
    log(`${userType} ${session.phone} logged in as user ${login.userId}`);
  }
  const adminLogin = await asAdmin.auth.loginWithPassword.mutate(admin);
  operator.token = adminLogin.token;
  log(`admin ${admin.phone} logged in`);

  // 2. The employer posts a demand; an admin approves it.
  const priceFen = 150_050;
  const demand = await asEmployer.demands.create.mutate({
    title: '微信小程序开发',
    kind: 'partTime',
    priceFen,
    settlement: 'daily',
    address: '广东省,深圳市,南山区',
    workStart: new Date('2026-12-01T09:00:00+08:00'),
    workEnd: new Date('2026-12-31T18:00:00+08:00'),
    description: '开发一个预约小程序，含后台',
  });
  log(`demand ${demand.id} (${demand.orderNo}) posted for ${yuan(priceFen)} yuan`);
  await asAdmin.demands.review.mutate({ id: demand.id, approve: true });
  log('admin approved it');

  // 3. The worker applies.
  const check = await asWorker.applications.canApply.query({ demandId: demand.id });
  if (!check.canApply) throw new Error(`the worker may not apply: ${check.reason}`);
  const application = await asWorker.applications.submit.mutate({
    demandId: demand.id,
    message: '我有三年小程序经验',
  });
  log(`worker applied (application ${application.id})`);

  // 4. Paying needs money in the wallet: a typed error says so.
  const idempotencyKey = randomUUID();
  try {
    await asEmployer.payments.payDemand.mutate({ demandId: demand.id, idempotencyKey });
    throw new Error('paying with an empty wallet succeeded');
  } catch (error) {
    if (!isAppError(error, 'BALANCE_TOO_LOW')) throw error;
    log(`paying with an empty wallet: ${appErrorCode(error)} (${error.message})`);
  }
  await asAdmin.wallet.credit.mutate({
    userId: employer.userId as number,
    amountFen: priceFen,
    note: 'bank transfer',
  });
  log(`admin credited the employer ${yuan(priceFen)} yuan`);

  // 5. The employer pays the demand into escrow (a retry with the same key would pay once) and selects.
  const paid = await asEmployer.payments.payDemand.mutate({ demandId: demand.id, idempotencyKey });
  log(`employer paid ${yuan(paid.paidFen)} yuan into escrow`);
  await asEmployer.applications.select.mutate({ demandId: demand.id, applicationIds: [application.id] });
  log('employer selected the worker');

  // 6. The worker uploads a preview and the result, and delivers.
  const token = worker.token as string;
  const preview = await uploadFile({ url, token, file: new Blob([previewPng]), filename: 'preview.png' });
  const source = await uploadFile({ url, token, file: new Blob([resultZip]), filename: 'result.zip' });
  log(`worker uploaded ${preview.url} (${preview.mime}) and ${source.url} (${source.mime})`);
  await asWorker.applications.deliver.mutate({
    applicationId: application.id,
    preview: [preview.url],
    source: source.url,
  });
  log('worker delivered');

  // 7. The employer accepts and pays out; the demand settles.
  const payout = await asEmployer.payments.payApplication.mutate({
    applicationId: application.id,
    amountFen: priceFen,
  });
  log(`employer paid out ${yuan(payout.paidFen)} yuan; demand settled: ${payout.settled}`);

  // 8. Both wallets.
  const employerWallet = await asEmployer.wallet.get.query();
  const workerWallet = await asWorker.wallet.get.query();
  log(
    `wallets: employer ${yuan(employerWallet.balanceFen)} yuan, worker ${yuan(workerWallet.balanceFen)} yuan`,
  );
  if (!payout.settled || employerWallet.balanceFen !== 0 || workerWallet.balanceFen !== priceFen) {
    throw new Error('the money did not end up where it should');
  }
}

async function main(): Promise<void> {
  const givenUrl = process.argv[2] ?? process.env.MARKETPLACE_URL;
  const inbox = new SmsInbox();
  // Against a running server, its SMS_WEBHOOK_URL must point at this inbox's port.
  const webhookUrl = await inbox.start(givenUrl ? Number(process.env.SMS_INBOX_PORT ?? 3999) : 0);
  const admin = {
    phone: process.env.ADMIN_PHONE ?? randomMobile(),
    password: process.env.ADMIN_PASSWORD ?? `example-${randomUUID()}`,
  };
  const local = givenUrl ? undefined : await startLocalServer({ smsWebhookUrl: webhookUrl, admin });
  const url = givenUrl ?? (local?.url as string);
  log(
    `marketplace at ${url}${local ? ' (a throwaway local server)' : ''}; SMS codes arrive at ${webhookUrl}`,
  );
  try {
    await walkThrough(url, inbox, admin);
    log('done');
  } finally {
    await local?.stop();
    await inbox.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `example failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
