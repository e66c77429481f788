import type { ExampleSession, ExampleWorld } from '../../server/src/legacy/examples.js';
import { legacyRoutes } from '../../server/src/legacy/routes/index.js';
import { checkFields, loginBySms } from '../support/auth-flow.js';
import { legacyPost } from '../support/legacy-client.js';
import { approveDemand, credit, postDemand } from '../support/marketplace-flow.js';
import { samplePng, sampleZip } from '../support/sample-files.js';
import type { TestApp } from '../support/test-app.js';
import { randomIp, randomPhone } from '../support/test-app.js';
import { postFile } from '../support/upload-client.js';

/** Fails loudly when a setup step is refused, naming the step. */
async function ok<T = unknown>(
  step: string,
  answer: Promise<{ body: { res: number; err: string; data: unknown } }>,
) {
  const { body } = await answer;
  if (body.res !== 1) throw new Error(`${step}: ${body.err}`);
  return body.data as T;
}

/**
 * A fresh employer and worker, and the things examples act on, made through the legacy routes
 * and the admin CLI as clients and operators do. One world per example, so examples never
 * depend on each other's leftovers.
 */
export async function createWorld(t: TestApp): Promise<ExampleWorld> {
  const employer: ExampleSession = await loginBySms(t, randomPhone(), 2);
  const worker: ExampleSession = await loginBySms(t, randomPhone(), 1);
  await credit(t, employer, '100000.00');
  const post = (path: string, who: ExampleSession, fields: Record<string, unknown>) =>
    legacyPost(t.app, path, { ...checkFields(who), ...fields }, 'json', { ip: randomIp() });

  const upload: ExampleWorld['upload'] = async (owner, kind) => {
    const who = owner === 'employer' ? employer : worker;
    const answer = await postFile(t.app, '/user/api/file_upload', {
      content: kind === 'image' ? samplePng() : sampleZip(),
      filename: kind === 'image' ? 'photo.png' : 'result.zip',
      fields: checkFields(who),
      ip: randomIp(),
    });
    return ok<{ id: number; url: string }>('upload', Promise.resolve(answer));
  };

  const demand: ExampleWorld['demand'] = async (state) => {
    const attachment = await upload('employer', 'image');
    const id = await postDemand(t, employer, { file: attachment.url });
    const info = await ok<{ files: Array<{ id: number }> }>(
      'goods/info',
      post('/user/goods/info', employer, { id }),
    );
    if (state !== 'pending') await approveDemand(t, id);
    if (state === 'paid') await ok('goodspay', post('/user/goods/goodspay', employer, { id }));
    return { id, fileIds: info.files.map((file) => file.id) };
  };

  const smsCode: ExampleWorld['smsCode'] = async (phone = randomPhone()) => {
    // A phone gets one code a minute; the test's clock moves instead of the test waiting.
    t.clock.advance(61_000);
    await ok('sms', legacyPost(t.app, '/index/api/sms', { phone }, 'json', { ip: randomIp() }));
    return { phone, code: t.sms.lastCodeFor(phone) };
  };

  return {
    employer,
    worker,
    freshPhone: randomPhone,
    smsCode,
    async passwordAccount() {
      const account = await loginBySms(t);
      const password = 'my-secret-2026';
      await ok('editpassword', post('/user/info/editpassword', account, { password }));
      return { phone: account.phone, password, userId: account.userId };
    },
    demand,
    async application(state) {
      const paid = await demand('paid');
      const { id } = await ok<{ id: number }>(
        'goods_order/add',
        post('/user/goods_order/add', worker, { goods_id: paid.id, msg: '我有三年小程序经验' }),
      );
      if (state !== 'applied') {
        await ok('goods/ok', post('/user/goods/ok', employer, { goods_id: paid.id, order_id: String(id) }));
      }
      if (state === 'delivered') {
        const preview = await upload('worker', 'image');
        const source = await upload('worker', 'archive');
        await ok(
          'goods_order/ok',
          post('/user/goods_order/ok', worker, { id, over: preview.url, source: source.url }),
        );
      }
      return { id, demandId: paid.id };
    },
    upload,
    async resumeEntry(list) {
      // The documented example of the list's add route is a valid entry.
      const add = legacyRoutes.find((route) => route.path === `/user/${list}/add`);
      if (!add) throw new Error(`no resume list ${list}`);
      return (await ok<{ id: number }>('resume add', post(`/user/${list}/add`, worker, add.example.request)))
        .id;
    },
    async recharge() {
      await credit(t, employer, '500.50');
      const page = await ok<{ data: Array<{ id: number }> }>(
        'pay_log',
        post('/user/pay_log/index', employer, {}),
      );
      const newest = page.data[0];
      if (!newest) throw new Error('no recharge listed');
      return newest.id;
    },
  };
}
