import { insertPartnersKeepingIds } from '../../features/account/verification.repository.js';
import {
  alreadyThere,
  type ImportContext,
  type ImportStep,
  idsOf,
  insertSlices,
  planOf,
  refuseOrphan,
  sortRows,
} from '../step.js';
import * as v from '../values.js';

/** Positions are smallint in the new table. */
const maxPosition = 32_767;

/**
 * `user_geti_hehuoren`: the partners of an individual business, under the business owner's user
 * id, in the order of their old ids, keeping those ids (so a re-run knows them). Written by the
 * account feature's `insertPartnersKeepingIds`, not its `replacePartners`, which replaces a
 * business's whole list at once.
 */
export function partnersStep(ctx: ImportContext): ImportStep {
  let positionOf = new Map<number, number>();
  return {
    name: 'user_geti_hehuoren',
    table: 'user_geti_hehuoren',
    async start() {
      const all = await ctx.source.query('select id, geti_id from {user_geti_hehuoren} order by geti_id, id');
      const next = new Map<number, number>();
      positionOf = new Map(
        all.map((row) => {
          const business = Number(row.geti_id);
          const position = next.get(business) ?? 0;
          next.set(business, position + 1);
          return [Number(row.id), position];
        }),
      );
    },
    async plan(rows) {
      const existing = new Set(
        (
          await ctx.db
            .selectFrom('individual_business_partners')
            .select('id')
            .where('id', 'in', idsOf(rows))
            .execute()
        ).map((row) => row.id),
      );
      const sorted = sortRows(rows, (row, id) => {
        const business = v.int(row, 'geti_id');
        const userId = ctx.present.individualBusinesses.get(business);
        if (userId === undefined) return refuseOrphan(ctx, 'individual business', 'user_geti', business);
        if (existing.has(id)) return alreadyThere;
        const position = positionOf.get(id) ?? maxPosition + 1;
        if (position > maxPosition) v.refuse(`more than ${maxPosition + 1} partners`);
        return {
          id,
          user_id: userId,
          position,
          name: v.text(row, 'name', 50),
          id_number: v.trimmedText(row, 'code', 18),
        };
      });
      return planOf(sorted, sorted.accepted.length, async (tx) => {
        for (const slice of insertSlices(sorted.accepted)) {
          await insertPartnersKeepingIds(tx, slice);
        }
      });
    },
  };
}
