import { type Kysely, sql } from 'kysely';

// Frozen in time: imports no application code.

/**
 * `invoice_requests.title`: the company name the invoice is made out to, as verified when the user
 * asked for it. Read at issue time instead, a verified company that resubmits its verification
 * (pending again) showed no name on invoices it had asked for while verified. Existing requests
 * take the name verified now, the best that is known of them (1 is an approved review).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('invoice_requests').addColumn('title', 'varchar(100)').execute();
  await sql`
    update invoice_requests set title = (
      select name from company_verifications c
      where c.user_id = invoice_requests.user_id and c.state = 1
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('invoice_requests').dropColumn('title').execute();
}
