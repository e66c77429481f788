import type { Insertable } from 'kysely';
import {
  appendEntries,
  importedAccount,
  insertWallets,
  walletAccount,
} from '../../features/money/money.repository.js';
import type { LedgerEntriesTable } from '../../features/money/money.table.js';
import type { MoneySummary } from '../report.js';
import {
  alreadyThere,
  type ImportContext,
  type ImportStep,
  insertSlices,
  planOf,
  sortRows,
} from '../step.js';
import * as v from '../values.js';

/**
 * `account`: each user's wallet balance, opened by a ledger entry from the imported account in the
 * same transaction, so the ledger replays to every balance right away. A balance that is no exact
 * amount of fen (three decimals), negative, an orphan's or a user's second account row is refused;
 * the summary then shows the old table's total as imported + refused, to the fen. The money feature
 * writes them a slice a statement (`insertWallets`, `appendEntries`): its wallet functions for
 * payments lock and change one wallet at a time.
 */
export function walletsStep(ctx: ImportContext, onSummary: (summary: MoneySummary) => void): ImportStep {
  let firstIdOfUser = new Map<number, number>();
  let oldTotalYuan = '0';
  const sums = { imported: 0, skipped: 0, refusedMicros: 0n, unreadable: 0 };
  return {
    name: 'account',
    table: 'account',
    async start() {
      const shared = await ctx.source.query(
        'select uid, min(id) as first from {account} group by uid having count(*) > 1',
      );
      firstIdOfUser = new Map(shared.map((row) => [Number(row.uid), Number(row.first)]));
      const [total] = await ctx.source.query('select sum(amount) as total from {account}');
      oldTotalYuan = String(total?.total ?? '0');
    },
    async plan(rows) {
      const userIds = [...new Set(rows.map((row) => Number(row.uid)).filter(Number.isSafeInteger))];
      const existing = new Set(
        userIds.length === 0
          ? []
          : (
              await ctx.db.selectFrom('wallets').select('user_id').where('user_id', 'in', userIds).execute()
            ).map((row) => row.user_id),
      );
      const openings: Insertable<LedgerEntriesTable>[] = [];
      const sorted = sortRows(rows, (row, id) => {
        const userId = v.int(row, 'uid');
        if (!ctx.present.users.has(userId)) v.refuse(`user ${userId} was not imported`);
        const first = firstIdOfUser.get(userId);
        if (first !== undefined && first !== id) v.refuse(`user ${userId} has account row ${first} already`);
        const balanceFen = v.fen(row, 'amount');
        if (existing.has(userId)) {
          sums.skipped += balanceFen;
          return alreadyThere;
        }
        if (balanceFen > 0) {
          openings.push({
            kind: 'opening',
            amount_fen: balanceFen,
            from_account: importedAccount,
            to_account: walletAccount(userId),
            user_id: userId,
            idempotency_key: `import:wallet:${userId}`,
            note: '旧系统余额',
            created_at: ctx.now,
          });
        }
        return {
          user_id: userId,
          balance_fen: balanceFen,
          updated_at: v.unixMsOrNull(row, 'last_time') ?? ctx.now,
        };
      });
      const refusedIds = new Set(sorted.refusals.map((r) => r.id));
      for (const row of rows) {
        if (!refusedIds.has(Number(row.id))) continue;
        const micros = yuanMicros(row.amount);
        if (micros === null) sums.unreadable++;
        else sums.refusedMicros += micros;
      }
      for (const wallet of sorted.accepted) sums.imported += wallet.balance_fen;
      return planOf(sorted, sorted.accepted.length, async (tx) => {
        for (const slice of insertSlices(sorted.accepted)) await insertWallets(tx, slice);
        for (const slice of insertSlices(openings)) await appendEntries(tx, slice);
      });
    },
    async finish() {
      const accounted = BigInt(sums.imported + sums.skipped) * 10_000n + sums.refusedMicros;
      const old = yuanMicros(oldTotalYuan);
      onSummary({
        oldTotalYuan,
        importedFen: sums.imported,
        skippedFen: sums.skipped,
        refusedYuan: microsText(sums.refusedMicros),
        unreadableRefused: sums.unreadable,
        adds: old !== null && sums.unreadable === 0 && old === accounted,
      });
    },
  };
}

/** Yuan as millionths, exactly (the old amounts may have more decimals than fen have); null when unreadable. */
function yuanMicros(value: unknown): bigint | null {
  const text = String(value ?? '').trim();
  const match = /^(-?)(\d+)(?:\.(\d{1,6})0*)?$/.exec(text);
  if (!match) return null;
  const micros = BigInt(match[2] ?? '0') * 1_000_000n + BigInt((match[3] ?? '').padEnd(6, '0'));
  return match[1] ? -micros : micros;
}

function microsText(micros: bigint): string {
  const sign = micros < 0n ? '-' : '';
  const abs = micros < 0n ? -micros : micros;
  const fraction = String(abs % 1_000_000n)
    .padStart(6, '0')
    .replace(/0+$/, '');
  return `${sign}${abs / 1_000_000n}.${fraction.padEnd(2, '0')}`;
}
