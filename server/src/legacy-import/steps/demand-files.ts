import { insertDemandFilesKeepingIds } from '../../features/demands/demand.repository.js';
import type { FileUse } from '../files.js';
import {
  alreadyThere,
  type ImportContext,
  type ImportStep,
  idsOf,
  insertSlices,
  planWithFiles,
  refuseOrphan,
  sortRows,
} from '../step.js';
import * as v from '../values.js';

/**
 * `goods_file`: a demand's attachments, one URL a row, with their old ids; the copy of each file
 * becomes an upload of the demand's owner. Written a slice a statement, like the demands themselves.
 */
export function demandFilesStep(ctx: ImportContext): ImportStep {
  return {
    name: 'goods_file',
    table: 'goods_file',
    async plan(rows) {
      await ctx.demandsDecided.until(Math.max(...idsOf(rows, 'goods_id')));
      const found = await ctx.db
        .selectFrom('demand_files')
        .select(['id', 'demand_id'])
        .where('id', 'in', idsOf(rows))
        .execute();
      const demandOf = new Map(found.map((row) => [row.id, row.demand_id]));
      const uses: FileUse[] = [];
      const sorted = sortRows(rows, (row, id) => {
        const demandId = v.int(row, 'goods_id');
        const ownerId = ctx.present.demands.get(demandId);
        if (ownerId === undefined) return refuseOrphan(ctx, 'demand', 'goods', demandId);
        const there = demandOf.get(id);
        if (there !== undefined) {
          return there === demandId ? alreadyThere : v.refuse(`id ${id} is taken by another demand's file`);
        }
        const url = v.trimmedText(row, 'url', 500);
        if (url === '') v.refuse('url is empty');
        if (!v.isWebAddress(url)) v.refuse('url is no web address');
        uses.push({ url, ownerId, document: false, where: `goods_file ${id}` });
        return { id, demand_id: demandId, url, created_at: ctx.now };
      });
      const stored = await ctx.files.prepare(uses);
      const files = sorted.accepted.map((file) => ({
        ...file,
        url: stored.urlOf(file.url, ctx.present.demands.get(file.demand_id) ?? null),
      }));
      return planWithFiles(sorted, files.length, stored, async (tx) => {
        for (const slice of insertSlices(files)) await insertDemandFilesKeepingIds(tx, slice);
      });
    },
  };
}
