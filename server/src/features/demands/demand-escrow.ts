import type { Db, Tx } from '../../db/database.js';

/*
 * The escrow columns of a demand: paid, escrow_fen, settled. The money feature moves the money and
 * writes the ledger; it changes these columns only through these functions, inside its
 * transaction and holding the demand's row lock (lockDemand). Every change is conditional, so it
 * cannot happen twice or take more than escrow holds.
 */

export async function escrowOf(db: Db | Tx, demandId: number): Promise<number> {
  const row = await db
    .selectFrom('demands')
    .select('escrow_fen')
    .where('id', '=', demandId)
    .executeTakeFirstOrThrow();
  return Number(row.escrow_fen);
}

/** Marks an unpaid demand paid with its price in escrow; answers whether it was unpaid. */
export async function fundEscrow(tx: Tx, demandId: number, amountFen: number, now: number): Promise<boolean> {
  const result = await tx
    .updateTable('demands')
    .set({ paid: 1, escrow_fen: amountFen, updated_at: now })
    .where('id', '=', demandId)
    .where('paid', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function takeFromEscrow(
  tx: Tx,
  demandId: number,
  amountFen: number,
  now: number,
): Promise<boolean> {
  const result = await tx
    .updateTable('demands')
    .set((eb) => ({ escrow_fen: eb('escrow_fen', '-', amountFen), updated_at: now }))
    .where('id', '=', demandId)
    .where('escrow_fen', '>=', amountFen)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markSettled(tx: Tx, demandId: number, now: number): Promise<void> {
  await tx
    .updateTable('demands')
    .set({ settled: 1, escrow_fen: 0, updated_at: now })
    .where('id', '=', demandId)
    .execute();
}

/**
 * Marks a paid, unsettled demand unpaid again with an empty escrow, once the money feature has
 * given what escrow held back to the owner (a rejected demand); answers whether it was paid.
 */
export async function markUnpaid(tx: Tx, demandId: number, now: number): Promise<boolean> {
  const result = await tx
    .updateTable('demands')
    .set({ paid: 0, escrow_fen: 0, updated_at: now })
    .where('id', '=', demandId)
    .where('paid', '=', 1)
    .where('settled', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
