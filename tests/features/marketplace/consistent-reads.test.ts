import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../../server/src/services.js';
import { backends } from '../../support/backends.js';
import { approvedWithApplicants, credit } from '../../support/marketplace-flow.js';
import { openServices } from '../../support/services.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * The owner's list read its page, then the page's files, then its applications, each on its own.
 * A payment and a selection committed in between showed a demand 未支付 beside its applicants
 * 锁定 (selected): a state the demand never was in, from which the deployed client picks its
 * buttons. The reads now share one snapshot. The other change is made here, through the public
 * services on their own connections, at that very point between the reads; on the embedded
 * database, whose one connection the snapshot holds, it could only wait, so MySQL alone shows it.
 */
const mysql = backends.filter((backend) => backend.name === 'mysql+redis');

describe.each(mysql)('the owner’s list under a payment and a selection ($name)', (backend) => {
  let t: TestApp;
  let services: Services;
  let closeServices: () => Promise<void>;
  beforeAll(async () => {
    t = await startTestApp(backend);
    ({ services, close: closeServices } = await openServices(t));
  }, 60_000);
  afterAll(async () => {
    await closeServices();
    await t.close();
  });

  it('shows each demand with the applications it had at the same moment', async () => {
    const { owner, demandId, ids } = await approvedWithApplicants(t, '100.00', 2);
    await credit(t, owner, '100.00');

    const page = await services.demands.listOwn(
      owner.userId,
      {},
      { page: 1, perPage: 15 },
      async (db, demandIds) => {
        // Between the page and its applications: paid into escrow, both applicants selected.
        await services.money.payDemand(owner.userId, demandId);
        await services.applications.select(owner.userId, demandId, ids);
        return services.applications.ofDemands(demandIds, db);
      },
    );

    const shown = page.items.find((demand) => demand.id === demandId);
    expect(shown?.applications.map((a) => a.selected)).toEqual([false, false]);
    expect(shown).toMatchObject({ paid: false, selectedApplicationIds: [] });
    // The next read sees both changes together.
    const next = await services.demands.listOwn(owner.userId, {}, { page: 1, perPage: 15 }, (db, demandIds) =>
      services.applications.ofDemands(demandIds, db),
    );
    const now = next.items.find((demand) => demand.id === demandId);
    expect(now?.applications.map((a) => a.selected)).toEqual([true, true]);
    expect(now).toMatchObject({ paid: true, selectedApplicationIds: ids });
  });
});
