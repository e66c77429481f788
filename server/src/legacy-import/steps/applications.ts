import { insertApplicationsKeepingIds } from '../../features/applications/application.repository.js';
import type { FileUse } from '../files.js';
import type { TableTally } from '../report.js';
import {
  alreadyThere,
  type ImportContext,
  type ImportStep,
  idsOf,
  insertSlices,
  planWithFiles,
  refuseOrphan,
  refuseWritten,
  requireUser,
  sortRows,
  tooLong,
} from '../step.js';
import * as v from '../values.js';

/** `delivery_source` is varchar(500). */
const maxSourceLength = 500;

/**
 * `goods_order`: applications with their old ids, files and delivery. Who is selected comes from
 * the demand's old `order_id` list (the old `state` column is only checked against it); the old
 * `price` is the share the employer allocated, and what was paid where `pay` = 1. An application
 * whose demand or applicant was not imported is an orphan; one user applies to a demand once (the
 * lowest id stays). Written a slice a statement by the applications feature: they are the
 * largest table, and keep their ids.
 */
export function applicationsStep(ctx: ImportContext): ImportStep {
  let selectedOf = new Map<number, Set<number>>();
  let firstIdOfPair = new Map<string, number>();
  return {
    name: 'goods_order',
    table: 'goods_order',
    async start(tally) {
      selectedOf = await readSelections(ctx, tally);
      // As the rows read the ids, not as MySQL groups them (a varchar ` 5` and `5` are one user).
      firstIdOfPair = await ctx.source.firstIdsOfSharedBy('goods_order', ['goods_id', 'user_id'], (row) => {
        const [demandId, applicantId] = [v.idKey(row.goods_id), v.idKey(row.user_id)];
        return demandId === null || applicantId === null ? null : `${demandId}:${applicantId}`;
      });
    },
    async plan(rows, tally) {
      await ctx.demandsDecided.until(Math.max(...idsOf(rows, 'goods_id')));
      const demandIds = idsOf(rows, 'goods_id');
      const [byId, ofDemands] = await Promise.all([
        ctx.db
          .selectFrom('applications')
          .select(['id', 'demand_id', 'applicant_id'])
          .where('id', 'in', idsOf(rows))
          .execute(),
        demandIds.length === 0
          ? []
          : ctx.db
              .selectFrom('applications')
              .select(['id', 'demand_id', 'applicant_id'])
              .where('demand_id', 'in', demandIds)
              .execute(),
      ]);
      const pairOf = new Map(byId.map((row) => [row.id, `${row.demand_id}:${row.applicant_id}`]));
      const idOfPair = new Map(ofDemands.map((row) => [`${row.demand_id}:${row.applicant_id}`, row.id]));

      const uses: FileUse[] = [];
      const sorted = sortRows(rows, (row, id) => {
        const demandId = v.int(row, 'goods_id');
        const applicantId = v.int(row, 'user_id');
        if (!ctx.present.demands.has(demandId)) refuseOrphan(ctx, 'demand', 'goods', demandId);
        const pair = `${demandId}:${applicantId}`;
        const there = pairOf.get(id);
        requireUser(ctx, applicantId, there === pair ? applicantId : undefined);
        if (there !== undefined) {
          return there === pair
            ? alreadyThere
            : v.refuse(`id ${id} is taken by another application in the new database`);
        }
        const first = firstIdOfPair.get(pair) ?? id;
        if (first !== id)
          v.refuse(`user ${applicantId} applied to demand ${demandId} already (application ${first})`);
        const other = idOfPair.get(pair);
        if (other !== undefined)
          v.refuse(`user ${applicantId} has application ${other} to demand ${demandId} in the new database`);
        const selected = selectedOf.get(demandId)?.has(id) ? 1 : 0;
        const state = v.flag(row, 'state');
        const priceFen = v.fen(row, 'price', 0);
        const paid = v.flag(row, 'pay');
        const application = {
          id,
          demand_id: demandId,
          applicant_id: applicantId,
          message: v.longText(row, 'msg'),
          files: v.urlList(row, 'file'),
          selected,
          delivered: v.flag(row, 'ok'),
          delivery_preview: v.urlList(row, 'over'),
          delivery_source: v.urlList(row, 'source'),
          paid,
          allocated_fen: priceFen,
          paid_fen: paid ? priceFen : 0,
          delivered_at: null,
          created_at: v.unixMs(row, 'time'),
          updated_at: v.unixMs(row, 'time'),
        };
        if (state !== selected)
          tally.note("state disagrees with the demand's order_id: order_id decides", id);
        for (const url of filesOf(application)) {
          uses.push({ url, ownerId: applicantId, document: false, where: `goods_order ${id}` });
        }
        return application;
      });
      const files = await ctx.files.prepare(uses);
      // Measured as stored: the copies' URLs (`/uploads/2026/01/01/<22 characters>.zip`) can be
      // longer than the old ones, and MySQL refuses the whole batch for one that does not fit.
      const { written: applications, kept } = refuseWritten(
        sorted,
        (a) => ({
          ...a,
          files: files.rewrite(a.files, a.applicant_id),
          delivery_preview: files.rewrite(a.delivery_preview, a.applicant_id),
          delivery_source: files.rewrite(a.delivery_source, a.applicant_id),
        }),
        (a) => tooLong('source', a.delivery_source, maxSourceLength),
      );
      await files.keepOnly(kept.flatMap((a) => filesOf(a).map((url) => ({ url, ownerId: a.applicant_id }))));
      return planWithFiles(sorted, applications.length, files, async (tx) => {
        for (const slice of insertSlices(applications)) await insertApplicationsKeepingIds(tx, slice);
      });
    },
  };
}

/** The old URLs an application names: its files, delivery previews and delivery archive. */
const filesOf = (a: { files: string[]; delivery_preview: string[]; delivery_source: string[] }) => [
  ...a.files,
  ...a.delivery_preview,
  ...a.delivery_source,
];

/**
 * Every demand's `order_id` list (the selected application ids, `1,3,8`). An id that is not an
 * application of that demand is left out, and noted.
 */
async function readSelections(ctx: ImportContext, tally: TableTally): Promise<Map<number, Set<number>>> {
  const selectedOf = new Map<number, Set<number>>();
  const rows = await ctx.source.query(
    "select id, order_id from {goods} where order_id is not null and order_id <> ''",
  );
  for (const row of rows) {
    // NFKC: a list typed with a Chinese keyboard's full-width commas (`1，3`) is still a list.
    const ids = String(row.order_id)
      .normalize('NFKC')
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    const numbers = ids.filter((part) => /^\d{1,10}$/.test(part)).map(Number);
    if (numbers.length < ids.length)
      tally.note('order_id holds something that is no application id: left out', `goods ${row.id}`);
    if (numbers.length) selectedOf.set(Number(row.id), new Set(numbers));
  }
  const named = [...new Set([...selectedOf.values()].flatMap((ids) => [...ids]))];
  const demandOf = new Map<number, number>();
  for (let i = 0; i < named.length; i += 1000) {
    const part = named.slice(i, i + 1000);
    const found = await ctx.source.query(
      `select id, goods_id from {goods_order} where id in (${part.map(() => '?').join(',')})`,
      part,
    );
    for (const row of found) demandOf.set(Number(row.id), Number(row.goods_id));
  }
  for (const [demandId, ids] of selectedOf) {
    for (const id of ids) {
      if (demandOf.get(id) === demandId) continue;
      ids.delete(id);
      tally.note(
        'order_id names an application that is not one of its demand: left out',
        `goods ${demandId}`,
      );
    }
  }
  return selectedOf;
}
