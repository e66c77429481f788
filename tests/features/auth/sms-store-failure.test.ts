import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/src/db/database.js';
import { migrateToLatest } from '../../../server/src/db/migrator.js';
import { StoreUnavailableError } from '../../../server/src/errors.js';
import { MemoryStore } from '../../../server/src/kv/memory-store.js';
import type { Backend } from '../../support/backends.js';
import { legacyPost } from '../../support/legacy-client.js';
import { randomIp, randomPhone, startTestApp, type TestApp } from '../../support/test-app.js';

/** The in-process store, whose writes of SMS codes fail while `down` is set: a Redis Cluster master down. */
class CodesDown extends MemoryStore {
  down = false;
  override async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (this.down && key.startsWith('sms-code:'))
      throw new StoreUnavailableError('kv', new Error('CLUSTERDOWN The cluster is down'));
    return super.set(key, value, ttlMs);
  }
}

/*
 * A send whose code could not be stored sent nothing, and answered 503, "try again". It had counted
 * the phone's quota (1 a minute, 5 an hour) first: a user tapping "resend" through an outage used
 * up the hour, and was told 验证码发送过于频繁 once the store was back, never having had a code.
 */
describe('an SMS send that meets the store down', () => {
  let t: TestApp;
  let store: CodesDown;
  const dir = mkdtempSync(path.join(tmpdir(), 'svc-codes-down-'));
  const backend: Backend = {
    name: 'embedded',
    async open(clock) {
      const database = openDatabase({ url: undefined, dataDir: dir, poolSize: 1 });
      await migrateToLatest(database.db);
      store = new CodesDown(() => clock.now());
      return {
        database,
        kv: store,
        close: async () => Promise.all([store.close(), database.close()]).then(() => {}),
      };
    },
  };
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the quota back, so the send after the outage goes', async () => {
    const phone = randomPhone();
    const ip = randomIp();
    const send = () => legacyPost(t.app, '/index/api/sms', { phone }, 'json', { ip });
    store.down = true;
    for (let i = 0; i < 3; i++) {
      const failed = await send();
      expect(failed.status).toBe(503);
      expect(failed.body).toEqual({ res: 0, err: '服务暂时不可用，请稍后再试', data: '' });
    }
    store.down = false;
    expect((await send()).body).toEqual({ res: 1, err: '', data: '' });
    expect(t.sms.lastCodeFor(phone)).toMatch(/^\d{6}$/);
    // The quota counts what was sent: a second send within the minute is refused, as ever.
    expect((await send()).body).toEqual({ res: 0, err: '验证码发送过于频繁，请稍后再试', data: '' });
  });
});
