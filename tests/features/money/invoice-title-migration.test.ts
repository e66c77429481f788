import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { down, up } from '../../../migrations/20261230000000_invoice_title.js';
import { runAdmin } from '../../support/admin-cli.js';
import { loginBySms } from '../../support/auth-flow.js';
import { backends, withPrivateDatabase } from '../../support/backends.js';
import { credit } from '../../support/marketplace-flow.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { post } from '../account/account-fixtures.js';

/**
 * Invoice requests made before their title was kept get the company name verified when the
 * migration runs. On a database of its own: the migration is taken back and run again.
 */
const stores = backends.filter((backend) => backend.name !== 'mysql+redis-cluster');

describe.each(stores)('the invoice title migration ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(withPrivateDatabase(backend));
  }, 60_000);
  afterAll(() => t.close());

  it('titles the requests already made with the company verified now, and none without', async () => {
    const company = await loginBySms(t, undefined, 2);
    await post(t, company, '/user/info/company', { name: '迁移之前有限公司' });
    await runAdmin(t, 'review-verification', {
      'user-id': String(company.userId),
      kind: 'company',
      approve: true,
    });
    const person = await loginBySms(t);
    for (const user of [company, person]) {
      await credit(t, user, '10');
      const recharges = (await post(t, user, '/user/invest_log/index', {})).body.data as {
        data: Array<{ id: number }>;
      };
      expect(
        (await post(t, user, '/user/bill_log/add', { inverst_id: String(recharges.data[0]?.id) })).body.res,
      ).toBe(1);
    }
    const db = t.stores.database.db;
    const migrating = db as unknown as Kysely<unknown>;
    await down(migrating);
    await up(migrating);
    const titles = await db
      .selectFrom('invoice_requests')
      .select(['user_id', 'title'])
      .orderBy('id')
      .execute();
    expect(titles).toEqual([
      { user_id: company.userId, title: '迁移之前有限公司' },
      { user_id: person.userId, title: null },
    ]);
  });
});
