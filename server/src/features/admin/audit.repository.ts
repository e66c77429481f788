import type { Insertable } from 'kysely';
import { countRows, type Db, type Tx } from '../../db/database.js';
import { pageWithTotal } from '../../db/transaction.js';
import type { AdminActionsTable } from './admin.table.js';

/**
 * Appends an action, in the transaction of the change it records. A retried credit is not
 * recorded twice because the money's stored answer under the same key ends the retry before it
 * acts; a duplicate idempotency key here fails, and undoes the change, rather than leave a move
 * recorded by another one's row.
 */
export async function insertAction(tx: Tx, action: Insertable<AdminActionsTable>): Promise<void> {
  await tx.insertInto('admin_actions').values(action).execute();
}

/** Newest first, with the phones of the acting admin and of the user concerned; only the actions concerning `userId` when given. */
export function listActions(db: Db, userId: number | undefined, limit: number, offset: number) {
  const query = (db: Db) => {
    const all = db.selectFrom('admin_actions');
    return userId === undefined ? all : all.where('user_id', '=', userId);
  };
  return pageWithTotal(
    db,
    (tx) =>
      query(tx)
        .leftJoin('users as acting', 'acting.id', 'admin_actions.admin_id')
        .leftJoin('users as concerned', 'concerned.id', 'admin_actions.user_id')
        .select([
          'admin_actions.id',
          'admin_actions.admin_id',
          'acting.phone as admin_phone',
          'concerned.phone as user_phone',
          'admin_actions.action',
          'admin_actions.target_type',
          'admin_actions.target_id',
          'admin_actions.user_id',
          'admin_actions.before_json',
          'admin_actions.after_json',
          'admin_actions.detail_json',
          'admin_actions.created_at',
        ])
        .orderBy('admin_actions.id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute(),
    (tx) => countRows(query(tx)),
  );
}
