import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../../server/src/db/database.js';

/**
 * The money rules over a whole database (a private one: every wallet, escrow and ledger entry in it
 * counts): wallets and escrows together hold what was recharged minus what was withdrawn, and each
 * balance column equals what its ledger account adds up to.
 */
export async function expectMoneyConserved(db: Db): Promise<void> {
  const ledgerSum = async (column: 'from_account' | 'to_account', account: string) => {
    const row = await db
      .selectFrom('ledger_entries')
      .select(sql<number>`coalesce(sum(amount_fen), 0)`.as('s'))
      .where(column, '=', account)
      .executeTakeFirst();
    return Number(row?.s ?? 0);
  };
  const wallets = await db.selectFrom('wallets').select(['user_id', 'balance_fen']).execute();
  const demands = await db.selectFrom('demands').select(['id', 'escrow_fen']).execute();
  const held =
    wallets.reduce((sum, w) => sum + Number(w.balance_fen), 0) +
    demands.reduce((sum, d) => sum + Number(d.escrow_fen), 0);
  expect(held).toBe(
    (await ledgerSum('from_account', 'outside')) - (await ledgerSum('to_account', 'outside')),
  );
  for (const [account, column] of [
    ...wallets.map((w) => [`wallet:${w.user_id}`, Number(w.balance_fen)] as const),
    ...demands.map((d) => [`escrow:${d.id}`, Number(d.escrow_fen)] as const),
  ]) {
    const ledger = (await ledgerSum('to_account', account)) - (await ledgerSum('from_account', account));
    expect([account, ledger]).toEqual([account, column]);
  }
}

/** A user's wallet balance in fen, read behind the service's back; 0 when the user has no wallet yet. */
export async function walletBalanceOf(db: Db, userId: number): Promise<number> {
  const wallet = await db
    .selectFrom('wallets')
    .select('balance_fen')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(wallet?.balance_fen ?? 0);
}
