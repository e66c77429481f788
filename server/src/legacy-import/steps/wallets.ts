import type { Insertable } from 'kysely';
import {
  appendEntries,
  importedAccount,
  insertWallets,
  walletAccount,
} from '../../features/money/money.repository.js';
import type { LedgerEntriesTable } from '../../features/money/money.table.js';
import { hundredthsText } from '../../fields.js';
import { FloatValue, hundredthsOfFloat } from '../float-values.js';
import { openedBefore, walletOpeningKey } from '../openings.js';
import type { MoneySummary } from '../report.js';
import {
  alreadyThere,
  type ImportContext,
  type ImportStep,
  insertSlices,
  planOf,
  requireUser,
  sortRows,
} from '../step.js';
import * as v from '../values.js';

/**
 * `account`: each user's wallet balance, opened by a ledger entry from the imported account in the
 * same transaction, so the ledger replays to every balance right away. A balance that is no exact
 * amount of fen (three decimals), negative, an orphan's or a user's second account row is refused;
 * the summary then shows the old table's total as imported + refused, to the fen. A user with a
 * wallet already is skipped when the old balance is still what an earlier run opened the wallet
 * with (openings.ts), and refused with both amounts when it changed since: the difference is not
 * taken, and the report says so. The money feature writes them a slice a statement
 * (`insertWallets`, `appendEntries`): its wallet functions for payments lock and change one wallet
 * at a time.
 */
export function walletsStep(ctx: ImportContext, onSummary: (summary: MoneySummary) => void): ImportStep {
  let firstIdOfUser = new Map<number, number>();
  let oldTotal: OldTotal = { yuan: '0', unreadable: 0 };
  const sums = { imported: 0, skipped: 0, refusedMicros: 0n, unreadable: 0 };
  return {
    name: 'account',
    table: 'account',
    async start() {
      // As the rows read uid, not as MySQL groups it (a varchar ` 5` and `5` are one user).
      const shared = await ctx.source.firstIdsOfShared('account', 'uid', v.idKey);
      firstIdOfUser = new Map([...shared].map(([userId, first]) => [Number(userId), first]));
      oldTotal = await oldTotalOf(ctx);
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
      const opened = await openedBefore(ctx.db, [...existing].map(walletOpeningKey));
      const openings: Insertable<LedgerEntriesTable>[] = [];
      const sorted = sortRows(rows, (row, id) => {
        const userId = v.int(row, 'uid');
        requireUser(ctx, userId, existing.has(userId) ? userId : undefined);
        const first = firstIdOfUser.get(userId);
        if (first !== undefined && first !== id) v.refuse(`user ${userId} has account row ${first} already`);
        const balanceFen = v.fen(row, 'amount');
        if (existing.has(userId)) {
          const before = opened.get(walletOpeningKey(userId));
          if ((before ?? 0) !== balanceFen) v.refuse(changedBalance(userId, before, balanceFen));
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
            idempotency_key: walletOpeningKey(userId),
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
      const old = yuanMicros(oldTotal.yuan);
      onSummary({
        oldTotalYuan: oldTotal.yuan,
        importedFen: sums.imported,
        skippedFen: sums.skipped,
        refusedYuan: microsText(sums.refusedMicros),
        unreadableRefused: sums.unreadable,
        adds: old !== null && oldTotal.unreadable === 0 && sums.unreadable === 0 && old === accounted,
        readableAdds: old !== null && oldTotal.unreadable === sums.unreadable && old === accounted,
      });
    },
  };
}

/**
 * Why an old balance is not taken: the user has a wallet already, opened by an earlier run with
 * another amount (`before`), or with none at all (a zero balance, or a wallet the service opened).
 */
function changedBalance(userId: number, before: number | undefined, nowFen: number): string {
  return before === undefined
    ? `user ${userId} has a wallet already, opened with no old balance; the old balance ${hundredthsText(nowFen)} is not taken`
    : `the old balance changed after an earlier run imported ${hundredthsText(before)}: it is ${hundredthsText(nowFen)} now, and the difference is not taken`;
}

/** The old table's total in yuan, and how many of its amounts could not be added. */
interface OldTotal {
  readonly yuan: string;
  readonly unreadable: number;
}

/**
 * `sum(amount)` as MySQL adds a DECIMAL column, exactly. A FLOAT or DOUBLE column holds binary
 * fractions, which MySQL's sum adds as such (19.99 in a FLOAT is 19.989999771...), and it adds a
 * text column as DOUBLEs too: their amounts are added here instead, each as the import reads it.
 */
async function oldTotalOf(ctx: ImportContext): Promise<OldTotal> {
  const amount = ctx.source.moneyColumn('account', 'amount');
  if (!amount.approximate) {
    const [total] = await ctx.source.query('select sum(amount) as total from {account}');
    return { yuan: String(total?.total ?? '0'), unreadable: 0 };
  }
  let micros = 0n;
  let unreadable = 0;
  for (const row of await ctx.source.query(`select ${amount.sql} as amount from {account}`)) {
    const value = yuanMicros(amount.read(row.amount));
    if (value === null) unreadable++;
    else micros += value;
  }
  return { yuan: microsText(micros), unreadable };
}

/**
 * Yuan as millionths, exactly (the old amounts may have more decimals than fen have); a FLOAT as
 * the fen it stands for; NULL as nothing, as MySQL's sum() leaves it out; null when unreadable.
 */
function yuanMicros(value: unknown): bigint | null {
  if (value === null || value === undefined) return 0n;
  if (value instanceof FloatValue) {
    const reading = hundredthsOfFloat(value.exact);
    return reading.kind === 'exact' ? BigInt(reading.hundredths) * 10_000n : null;
  }
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
