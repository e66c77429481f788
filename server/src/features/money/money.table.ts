import type { Generated } from 'kysely';

/*
 * The money feature's tables: balances, the ledger, recharges and invoices, and the answers of
 * idempotent calls. Only money.repository.ts writes them. The escrow of a demand lives on its row
 * (demands.escrow_fen), which money changes through the demands feature (demand-escrow.ts).
 */

export interface WalletsTable {
  user_id: number;
  balance_fen: number;
  updated_at: number;
}

/**
 * The immutable ledger (triggers refuse UPDATE and DELETE). Accounts are `wallet:<user id>`,
 * `escrow:<demand id>`, `outside` (where recharges come from and withdrawals go) and `imported`
 * (where the balances brought over from the old backend come from, kind `opening`).
 */
export interface LedgerEntriesTable {
  id: Generated<number>;
  kind: 'recharge' | 'withdrawal' | 'escrow' | 'payout' | 'refund' | 'adjustment' | 'opening';
  amount_fen: number;
  from_account: string;
  to_account: string;
  user_id: number | null;
  demand_id: number | null;
  application_id: number | null;
  recharge_id: number | null;
  idempotency_key: string | null;
  note: string;
  created_at: number;
}

/** What an idempotent call answered, under its (scoped) key; see MoneyService. */
export interface IdempotentAnswersTable {
  idempotency_key: string;
  /** The answer as JSON. */
  answer: string;
  /** The call's parameters as JSON, compared on a retry; null on answers stored before it was kept. */
  request: string | null;
  created_at: number;
}

/** Recharge records (legacy `invest_log`). `invoiced` is set once an invoice is requested. */
export interface RechargesTable {
  id: Generated<number>;
  user_id: number;
  amount_fen: number;
  note: string;
  invoiced: number;
  created_at: number;
}

/** Invoice requests (legacy `bill_log`): one per recharge. */
export interface InvoiceRequestsTable {
  id: Generated<number>;
  user_id: number;
  recharge_id: number;
  amount_fen: number;
  requested_at: number;
  issued: number;
  issued_at: number | null;
  /** The verified company name when requested (the invoice's title); null without one. */
  title: string | null;
}
