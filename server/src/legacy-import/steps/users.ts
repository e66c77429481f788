import type { Insertable } from 'kysely';
import { type ImportedSession, insertImportedSessions } from '../../features/auth/imported-sessions.js';
import { markLegacyHash } from '../../features/auth/legacy-passwords.js';
import { insertUsersKeepingIds } from '../../features/user/user.repository.js';
import type { UsersTable } from '../../features/user/user.table.js';
import type { FileUse } from '../files.js';
import {
  alreadyThere,
  type ImportContext,
  type ImportStep,
  idsOf,
  insertSlices,
  planWithFiles,
  sortRows,
} from '../step.js';
import * as v from '../values.js';

/** Old tokens shorter than this are not kept: a short token is a guessable one. */
const minTokenLength = 16;

/**
 * `users`: accounts with their old ids. A phone must be a mainland mobile number and belong to one
 * account (the lowest id keeps a phone two old accounts share). The password is kept only as a
 * recognisable hash, marked with its kind (legacy-passwords.ts); the login token the apps hold
 * waits in `imported_sessions` for its first use. The user feature writes them a slice a
 * statement (`insertUsersKeepingIds`), not with its one-row `insertUser`: ten thousand accounts
 * are ten statements instead of ten thousand, and the old id is kept.
 */
export function usersStep(ctx: ImportContext): ImportStep {
  let firstIdOfPhone = new Map<string, number>();
  /** Tokens two old accounts hold: whichever got the session, the other would be logged in as it. */
  let sharedTokens = new Set<string>();
  return {
    name: 'users',
    table: 'users',
    async start() {
      // Shared as the rows read them (v.phone, the trimmed token), not as MySQL's trim() and
      // collation would group them: `13900000005` and `13900000005\r\n` are one phone here.
      firstIdOfPhone = await ctx.source.firstIdsOfShared('users', 'phone', v.mobileOf);
      const tokens = await ctx.source.firstIdsOfShared('users', 'token', (token) => {
        const trimmed = typeof token === 'string' ? token.trim() : '';
        return trimmed === '' ? null : trimmed;
      });
      sharedTokens = new Set(tokens.keys());
    },
    async plan(rows, tally) {
      const ids = idsOf(rows);
      const phones = [...new Set(rows.map((row) => v.mobileOf(row.phone)).filter((phone) => phone !== null))];
      const [byId, byPhone] = await Promise.all([
        ctx.db.selectFrom('users').select(['id', 'phone']).where('id', 'in', ids).execute(),
        phones.length === 0
          ? []
          : ctx.db.selectFrom('users').select(['id', 'phone']).where('phone', 'in', phones).execute(),
      ]);
      const phoneOfId = new Map(byId.map((user) => [user.id, user.phone]));
      const idOfPhone = new Map(byPhone.map((user) => [user.phone, user.id]));

      const sessions: ImportedSession[] = [];
      const uses: FileUse[] = [];
      const sorted = sortRows(rows, (row, id): Insertable<UsersTable> | typeof alreadyThere => {
        const phone = v.phone(row, 'phone');
        const there = phoneOfId.get(id);
        if (there !== undefined) {
          // Not taken for this user: an account made in the service under the same id would be
          // indistinguishable, and this user's rows would go to it. Its new rows are refused with it.
          if (there !== phone) {
            v.refuse(
              `id ${id} is taken by an account with phone ${there} in the new database, the old row says ${phone}: its phone changed since an earlier run, or the account is another's`,
            );
          }
          ctx.present.users.add(id);
          return alreadyThere;
        }
        const first = firstIdOfPhone.get(phone);
        if (first !== undefined && first !== id) v.refuse(`phone ${phone} belongs to user ${first} too`);
        const owner = idOfPhone.get(phone);
        if (owner !== undefined)
          v.refuse(`phone ${phone} is registered in the new database already (user ${owner})`);
        const user = {
          id,
          phone,
          password_hash: null as string | null,
          usertype: v.code(row, 'usertype', [0, 1, 2] as const),
          userstate: v.flag(row, 'userstate'),
          is_admin: 0,
          email: v.text(row, 'email', 254),
          face: v.trimmedText(row, 'face', 500),
          address: v.text(row, 'address', 500),
          created_at: ctx.now,
          updated_at: ctx.now,
        };
        const password = v.trimmedText(row, 'password', 255);
        const token = v.trimmedText(row, 'token', 255);
        // Decided: from here on the row is imported, and what it loses is noted.
        if (phone !== String(row.phone))
          tally.note('phone written with spaces, dashes, line breaks or +86: kept as its 11 digits', id);
        if (!v.isWebAddress(user.face)) {
          // An avatar is not worth the account: dropped, the user can upload another.
          user.face = '';
          tally.note('face is no web address (javascript:, data:...): dropped', id);
        }
        user.password_hash = passwordOf(password, (text) => tally.note(text, id));
        if (sharedTokens.has(token))
          tally.note('token held by another account too, not kept: logs in again', id);
        else if (token.length >= minTokenLength)
          sessions.push(ctx.services.sessions.importedSession(id, token));
        else if (token !== '')
          tally.note(`token shorter than ${minTokenLength} characters not kept: logs in again`, id);
        if (user.face) uses.push({ url: user.face, ownerId: id, document: false, where: `users ${id}` });
        ctx.present.users.add(id);
        return user;
      });

      const files = await ctx.files.prepare(uses);
      const users = sorted.accepted.map((user) => ({
        ...user,
        face: user.face && files.urlOf(user.face, user.id ?? null),
      }));
      return planWithFiles(sorted, users.length, files, async (tx) => {
        for (const slice of insertSlices(users)) await insertUsersKeepingIds(tx, slice);
        await insertImportedSessions(tx, sessions);
      });
    },
  };
}

/** The stored hash for an old password value: kept when recognisable, else none (SMS login). */
function passwordOf(old: string, note: (text: string) => void): string | null {
  if (old === '') {
    note('no password: logs in by SMS code');
    return null;
  }
  const marked = markLegacyHash(old);
  if (!marked)
    note('password in an unrecognised format (or bcrypt above cost 12) not kept: logs in by SMS code');
  return marked;
}
