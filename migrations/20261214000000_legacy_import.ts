import { type Kysely, sql } from 'kysely';
import { isMysql, tableOptions } from './support.js';

// Frozen in time: imports no application code.

/**
 * What an import of the old backend's database (`npm run admin -- import-legacy`) leaves for the
 * running service besides the rows it maps:
 *
 * - `imported_sessions`: the login tokens the deployed apps hold, as keyed hashes (never the
 *   token), claimed into the session store on first use. The importer is a separate process: an
 *   in-process session store would forget them when it exits, so they wait in the database.
 * - `legacy_files`: every file URL the old rows named, with the owner of the row that named it and
 *   the URL of its copy when the file was copied. Records keep old URLs that were not copied, and
 *   a resubmitted record naming them again must not be refused as a reference to a foreign file.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const ascii = (length: number) =>
    isMysql(db) ? sql.raw(`varchar(${length}) character set ascii`) : 'text';
  await db.schema
    .createTable('imported_sessions')
    .addColumn('token_hash', ascii(64), (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
  await db.schema.createIndex('imported_sessions_user').on('imported_sessions').column('user_id').execute();

  await db.schema
    .createTable('legacy_files')
    // SHA-256 of the URL as the old row spelled it: URLs are too long for a full-width utf8mb4 key.
    .addColumn('url_hash', ascii(64), (c) => c.primaryKey())
    .addColumn('url', 'varchar(2000)', (c) => c.notNull())
    .addColumn('user_id', 'integer')
    .addColumn('copied_to', 'varchar(255)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .modifyEnd(tableOptions(db))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('legacy_files').execute();
  await db.schema.dropTable('imported_sessions').execute();
}
