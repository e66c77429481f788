import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../../server/src/services.js';
import { backends } from '../../support/backends.js';
import { approvedWithApplicants, credit } from '../../support/marketplace-flow.js';
import { openServices } from '../../support/services.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * The owner's list read its page, then the page's files, then its applications, each on its own
 * (and a demand's detail its row, then its selection). A payment and a selection committed in
 * between showed a demand 未支付 beside its applicants 锁定 (selected): a state the demand never
 * was in, from which the deployed client picks its buttons. Lists counted their total beside the
 * page the same way: one more row than the only page showed. The reads now share one snapshot. The other change is made here, through the public
 * services on their own connections, at that very point between the reads; on the embedded
 * database, whose one connection the snapshot holds, it could only wait, so MySQL alone shows it.
 */
const mysql = backends.filter((backend) => backend.name === 'mysql+redis');

// Without MySQL the suite is listed over the embedded backend and skipped (vitest refuses a file of none).
describe.skipIf(mysql.length === 0).each(mysql.length > 0 ? mysql : backends)(
  'the owner’s list under a payment and a selection ($name)',
  (backend) => {
    let t: TestApp;
    let services: Services;
    /** The same services, whose next query is followed by `afterNextQuery` before its answer is used. */
    let reader: Services;
    let afterNextQuery: (() => Promise<void>) | undefined;
    const closers: Array<() => Promise<void>> = [];
    beforeAll(async () => {
      t = await startTestApp(backend);
      const plain = await openServices(t);
      const interrupted: KyselyPlugin = {
        transformQuery: ({ node }) => node,
        transformResult: async ({ result }) => {
          const change = afterNextQuery;
          afterNextQuery = undefined;
          await change?.();
          return result;
        },
      };
      const watched = await openServices(t, (db) => db.withPlugin(interrupted));
      services = plain.services;
      reader = watched.services;
      closers.push(plain.close, watched.close);
    }, 60_000);
    afterAll(async () => {
      for (const close of closers) await close();
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
      const next = await services.demands.listOwn(
        owner.userId,
        {},
        { page: 1, perPage: 15 },
        (db, demandIds) => services.applications.ofDemands(demandIds, db),
      );
      const now = next.items.find((demand) => demand.id === demandId);
      expect(now?.applications.map((a) => a.selected)).toEqual([true, true]);
      expect(now).toMatchObject({ paid: true, selectedApplicationIds: ids });
    });

    it.each([
      ['anyone’s detail', (_owner: number, id: number) => reader.demands.getPublic(id, null)],
      ['its owner’s detail', (owner: number, id: number) => reader.demands.getOwn(owner, id)],
    ])('shows %s with the selection and applications it had at the same moment', async (_, read) => {
      const { owner, demandId, ids } = await approvedWithApplicants(t, '100.00', 2);
      await credit(t, owner, '100.00');
      // Right after the demand's own row is read: paid into escrow, both applicants selected.
      afterNextQuery = async () => {
        await services.money.payDemand(owner.userId, demandId);
        await services.applications.select(owner.userId, demandId, ids);
      };

      const shown = await read(owner.userId, demandId);
      expect(afterNextQuery).toBeUndefined();
      expect(shown).toMatchObject({ paid: false, selectedApplicationIds: [] });
      if ('applicationCount' in shown) expect(shown.applicationCount).toBe(2);
      expect(await read(owner.userId, demandId)).toMatchObject({ paid: true, selectedApplicationIds: ids });
    });

    it('shows the operators a demand, its applications and its escrow as they were at the same moment', async () => {
      const { owner, demandId, ids } = await approvedWithApplicants(t, '100.00', 2);
      await credit(t, owner, '100.00');
      // Right after the demand's own row is read: paid into escrow, both applicants selected.
      afterNextQuery = async () => {
        await services.money.payDemand(owner.userId, demandId);
        await services.applications.select(owner.userId, demandId, ids);
      };

      const shown = await reader.admin.demand(demandId);
      expect(afterNextQuery).toBeUndefined();
      const seen = (view: typeof shown) => ({
        paid: view.demand.paid,
        escrowFen: view.demand.escrowFen,
        selected: view.applications.map((a) => a.selected),
        escrowEntries: view.escrowEntries.map((entry) => entry.amountFen),
      });
      expect(seen(shown)).toEqual({ paid: false, escrowFen: 0, selected: [false, false], escrowEntries: [] });
      expect(seen(await reader.admin.demand(demandId))).toEqual({
        paid: true,
        escrowFen: 10_000,
        selected: [true, true],
        escrowEntries: [10_000],
      });
    });

    it.each([
      ['recharges', (user: number) => reader.billing.recharges(user, undefined, { page: 1, perPage: 15 })],
      ['wallet entries', (user: number) => reader.money.entries(user, { page: 1, perPage: 15 })],
    ])('counts the total of its %s from the page’s own snapshot', async (_, read) => {
      const { owner } = await approvedWithApplicants(t, '100.00', 0);
      await credit(t, owner, '10.00');
      // Between the page and its count: one more credit.
      afterNextQuery = async () => {
        await services.money.recharge(owner.userId, 500);
      };
      const shown = await read(owner.userId);
      expect(afterNextQuery).toBeUndefined();
      expect({ rows: shown.items.length, total: shown.total }).toEqual({ rows: 1, total: 1 });
      expect((await read(owner.userId)).total).toBe(2);
    });

    it.each([
      [
        'list',
        async (worker: number, id: number) =>
          (await reader.applications.listMine(worker, { page: 1, perPage: 15 })).items.find(
            (a) => a.id === id,
          ),
      ],
      ['detail', (worker: number, id: number) => reader.applications.getMine(worker, id)],
    ])('shows an applicant’s own %s with its demand as they were at the same moment', async (_, read) => {
      const { owner, workers, demandId, ids } = await approvedWithApplicants(t, '100.00', 1);
      await credit(t, owner, '100.00');
      const [worker, applicationId] = [workers[0]?.userId as number, ids[0] as number];
      afterNextQuery = async () => {
        await services.money.payDemand(owner.userId, demandId);
        await services.applications.select(owner.userId, demandId, ids);
      };

      const shown = await read(worker, applicationId);
      expect(afterNextQuery).toBeUndefined();
      expect(shown).toMatchObject({ selected: false, demand: { paid: false, selectedApplicationIds: [] } });
      expect(await read(worker, applicationId)).toMatchObject({
        selected: true,
        demand: { paid: true, selectedApplicationIds: ids },
      });
    });
  },
);
