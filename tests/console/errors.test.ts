import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../client-sdk/index.js';
import { describeError } from '../../console/src/errors.js';
import { embedded } from '../support/backends.js';
import { listen, startTestApp, type TestApp } from '../support/test-app.js';

describe('what the console says of a failed call', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(embedded);
    url = await listen(t);
  });
  afterAll(() => t?.close());

  it('names the field of an input the service refused, and why', async () => {
    const failed = await createClient({ url })
      .auth.requestSmsCode.mutate({ phone: '12' })
      .catch((error: unknown) => error);
    const said = describeError(failed);
    expect(said).toMatch(/^参数错误：phone（.+）（VALIDATION_FAILED）$/);
  });

  it('says the code alone when the refusal is about no field', async () => {
    const failed = await createClient({ url, token: 'not-a-live-token' })
      .admin.queueCounts.query()
      .catch((error: unknown) => error);
    expect(describeError(failed)).toBe('没有登录或状态过期（UNAUTHENTICATED）');
  });

  it('says in how many seconds a limit lets the operator try again', async () => {
    const client = createClient({ url });
    await client.auth.requestSmsCode.mutate({ phone: '13800138077' });
    const failed = await client.auth.requestSmsCode
      .mutate({ phone: '13800138077' })
      .catch((error: unknown) => error);
    expect(describeError(failed)).toBe('验证码发送过于频繁，请稍后再试，60秒后可重试（SMS_TOO_FREQUENT）');
  });

  it('tells a network failure apart', () => {
    expect(describeError(new TypeError('fetch failed'))).toBe('无法连接服务，请检查网络后重试');
  });
});
