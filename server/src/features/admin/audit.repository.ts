import type { Insertable } from 'kysely';
import type { Db, Tx } from '../../db/database.js';
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
export async function listActions(db: Db, userId: number | undefined, limit: number, offset: number) {
  let query = db.selectFrom('admin_actions');
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const [rows, count] = await Promise.all([
    query
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
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}
