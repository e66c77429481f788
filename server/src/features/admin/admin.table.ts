import type { Generated } from 'kysely';

/*
 * The admin feature's table: the audit trail of admin actions (append-only; triggers refuse UPDATE
 * and DELETE). Only audit.repository.ts writes it.
 */
export interface AdminActionsTable {
  id: Generated<number>;
  /** null when the admin CLI acted. */
  admin_id: number | null;
  /** The procedure (or CLI command) that acted, e.g. `demands.review`. */
  action: string;
  target_type: string;
  target_id: number;
  user_id: number | null;
  before_json: string;
  after_json: string;
  detail_json: string;
  idempotency_key: string | null;
  created_at: number;
}
