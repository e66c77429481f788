import type { Insertable } from 'kysely';
import { countRows, type Db, hasRowLocks, type Tx } from '../../db/database.js';
import { pageWithTotal } from '../../db/transaction.js';
import type {
  InvoiceRequestsTable,
  LedgerEntriesTable,
  RechargesTable,
  WalletsTable,
} from './money.table.js';

export const walletAccount = (userId: number) => `wallet:${userId}`;
export const escrowAccount = (demandId: number) => `escrow:${demandId}`;
/** Where recharges come from and withdrawals go: its balance is withdrawals minus recharges. */
export const outsideAccount = 'outside';
/**
 * Where the balances and escrows brought over from the old backend come from (`npm run admin --
 * import-legacy`); like `outside`, its balance is minus everything it ever gave.
 */
export const importedAccount = 'imported';

/**
 * Makes sure the users have wallet rows and locks them, in ascending id order: every money
 * transaction that touches several wallets locks them in that one order, so they cannot deadlock
 * on each other.
 */
export async function lockWallets(tx: Tx, userIds: readonly number[], now: number): Promise<void> {
  const ids = [...new Set(userIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  if (!hasRowLocks(tx)) {
    // SQLite runs one write transaction at a time; creating missing wallets is all there is to do.
    await tx
      .insertInto('wallets')
      .values(ids.map((user_id) => ({ user_id, balance_fen: 0, updated_at: now })))
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
    return;
  }
  // Lock first and create only what is missing: INSERT IGNORE on an existing row takes a shared
  // lock, and two transactions upgrading shared locks to exclusive ones deadlock each other.
  const lockExisting = (wanted: readonly number[]) =>
    tx
      .selectFrom('wallets')
      .select('user_id')
      .where('user_id', 'in', wanted)
      .orderBy('user_id')
      .forUpdate()
      .execute();
  const existing = new Set((await lockExisting(ids)).map((row) => row.user_id));
  const missing = ids.filter((id) => !existing.has(id));
  if (missing.length === 0) return;
  await tx
    .insertInto('wallets')
    .values(missing.map((user_id) => ({ user_id, balance_fen: 0, updated_at: now })))
    .ignore()
    .execute();
  await lockExisting(missing);
}

export async function walletBalance(db: Db | Tx, userId: number): Promise<number> {
  const row = await db
    .selectFrom('wallets')
    .select('balance_fen')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(row?.balance_fen ?? 0);
}

export async function addToWallet(tx: Tx, userId: number, amountFen: number, now: number): Promise<void> {
  await tx
    .updateTable('wallets')
    .set((eb) => ({ balance_fen: eb('balance_fen', '+', amountFen), updated_at: now }))
    .where('user_id', '=', userId)
    .execute();
}

/** Takes the amount only if the wallet holds it; answers whether it did. */
export async function takeFromWallet(
  tx: Tx,
  userId: number,
  amountFen: number,
  now: number,
): Promise<boolean> {
  const result = await tx
    .updateTable('wallets')
    .set((eb) => ({ balance_fen: eb('balance_fen', '-', amountFen), updated_at: now }))
    .where('user_id', '=', userId)
    .where('balance_fen', '>=', amountFen)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function appendEntry(tx: Tx, entry: Insertable<LedgerEntriesTable>): Promise<void> {
  await tx.insertInto('ledger_entries').values(entry).execute();
}

/** What an idempotent call with this key was asked and answered, or undefined when the key is new. */
export async function findAnswer(
  db: Db,
  idempotencyKey: string,
): Promise<{ request: string | null; answer: unknown } | undefined> {
  const row = await db
    .selectFrom('idempotent_answers')
    .select(['request', 'answer'])
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row === undefined ? undefined : { request: row.request, answer: JSON.parse(row.answer) };
}

/** Stores a call's parameters and answer under its key; a second call with the key fails on the primary key. */
export async function saveAnswer(
  tx: Tx,
  idempotencyKey: string,
  request: string,
  answer: unknown,
  now: number,
): Promise<void> {
  await tx
    .insertInto('idempotent_answers')
    .values({ idempotency_key: idempotencyKey, request, answer: JSON.stringify(answer), created_at: now })
    .execute();
}

export function entriesOfAccount(db: Db, account: string, limit: number, offset: number) {
  const query = (db: Db) =>
    db
      .selectFrom('ledger_entries')
      .where((eb) => eb.or([eb('from_account', '=', account), eb('to_account', '=', account)]));
  return pageWithTotal(
    db,
    (tx) =>
      query(tx)
        .select([
          'id',
          'kind',
          'amount_fen',
          'from_account',
          'to_account',
          'demand_id',
          'application_id',
          'note',
          'created_at',
        ])
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute(),
    (tx) => countRows(query(tx)),
  );
}

export async function insertRecharge(
  tx: Tx,
  recharge: { userId: number; amountFen: number; note: string; now: number },
): Promise<number> {
  const result = await tx
    .insertInto('recharges')
    .values({
      user_id: recharge.userId,
      amount_fen: recharge.amountFen,
      note: recharge.note,
      invoiced: 0,
      created_at: recharge.now,
    })
    .executeTakeFirstOrThrow();
  return Number(result.insertId);
}

export function listRecharges(
  db: Db,
  userId: number,
  invoiced: boolean | undefined,
  limit: number,
  offset: number,
) {
  const query = (db: Db) => {
    const mine = db.selectFrom('recharges').where('user_id', '=', userId);
    return invoiced === undefined ? mine : mine.where('invoiced', '=', invoiced ? 1 : 0);
  };
  return pageWithTotal(
    db,
    (tx) =>
      query(tx)
        .select(['id', 'user_id', 'amount_fen', 'note', 'invoiced', 'created_at'])
        .orderBy('id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute(),
    (tx) => countRows(query(tx)),
  );
}

/** Marks the user's recharges as invoiced if none of them was; answers how many changed. */
export async function markRechargesInvoiced(tx: Tx, userId: number, ids: readonly number[]): Promise<number> {
  const result = await tx
    .updateTable('recharges')
    .set({ invoiced: 1 })
    .where('user_id', '=', userId)
    .where('id', 'in', ids)
    .where('invoiced', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export function rechargesOf(tx: Tx, userId: number, ids: readonly number[]) {
  return tx
    .selectFrom('recharges')
    .select(['id', 'amount_fen', 'invoiced'])
    .where('user_id', '=', userId)
    .where('id', 'in', ids)
    .execute();
}

export async function insertInvoiceRequests(
  tx: Tx,
  userId: number,
  recharges: ReadonlyArray<{ id: number; amount_fen: number }>,
  title: string | null,
  now: number,
): Promise<void> {
  await tx
    .insertInto('invoice_requests')
    .values(
      recharges.map((r) => ({
        user_id: userId,
        recharge_id: r.id,
        amount_fen: Number(r.amount_fen),
        requested_at: now,
        issued: 0,
        issued_at: null,
        title,
      })),
    )
    .execute();
}

const invoiceColumns = [
  'id',
  'user_id',
  'recharge_id',
  'amount_fen',
  'requested_at',
  'issued',
  'issued_at',
  'title',
] as const;

/** Whose requests, issued or not; newest first unless `oldestFirst` (the operators' queue). */
export interface InvoiceFilter {
  readonly userId?: number;
  readonly issued?: boolean;
  readonly oldestFirst?: boolean;
}

export function listInvoiceRequests(db: Db, filter: InvoiceFilter, limit: number, offset: number) {
  const query = (db: Db) => {
    let query = db.selectFrom('invoice_requests');
    if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
    if (filter.issued !== undefined) query = query.where('issued', '=', filter.issued ? 1 : 0);
    return query;
  };
  const order = filter.oldestFirst ? 'asc' : 'desc';
  return pageWithTotal(
    db,
    (tx) => query(tx).select(invoiceColumns).orderBy('id', order).limit(limit).offset(offset).execute(),
    (tx) => countRows(query(tx)),
  );
}

export async function markInvoiceIssued(tx: Tx, id: number, now: number): Promise<boolean> {
  const result = await tx
    .updateTable('invoice_requests')
    .set({ issued: 1, issued_at: now })
    .where('id', '=', id)
    .where('issued', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function findInvoiceRequest(db: Db | Tx, id: number) {
  return db.selectFrom('invoice_requests').select(invoiceColumns).where('id', '=', id).executeTakeFirst();
}

/**
 * Locks the invoice request's row, so that what is read of it before it is marked issued is what the
 * mark changes. SQLite needs no lock: it runs one write transaction at a time.
 */
export async function lockInvoiceRequest(tx: Tx, id: number): Promise<void> {
  if (!hasRowLocks(tx)) return;
  await tx.selectFrom('invoice_requests').select('id').where('id', '=', id).forUpdate().execute();
}

/*
 * What the old backend held (`npm run admin -- import-legacy`), a whole slice in one statement
 * each, since row-at-a-time inserts would make an import take hours: wallets with their balances
 * (each opened by an entry of `appendEntries` in the same transaction), recharge records and
 * invoice requests keeping their ids.
 */

export async function insertWallets(tx: Tx, wallets: ReadonlyArray<Insertable<WalletsTable>>): Promise<void> {
  if (wallets.length > 0) await tx.insertInto('wallets').values(wallets).execute();
}

export async function appendEntries(
  tx: Tx,
  entries: ReadonlyArray<Insertable<LedgerEntriesTable>>,
): Promise<void> {
  if (entries.length > 0) await tx.insertInto('ledger_entries').values(entries).execute();
}

export async function insertRechargesKeepingIds(
  tx: Tx,
  recharges: ReadonlyArray<Insertable<RechargesTable>>,
): Promise<void> {
  if (recharges.length > 0) await tx.insertInto('recharges').values(recharges).execute();
}

export async function insertInvoiceRequestsKeepingIds(
  tx: Tx,
  requests: ReadonlyArray<Insertable<InvoiceRequestsTable>>,
): Promise<void> {
  if (requests.length > 0) await tx.insertInto('invoice_requests').values(requests).execute();
}
