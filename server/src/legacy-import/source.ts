import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { type LegacyTable, legacyColumns } from './layout.js';

/** One row of an old table, as mysql2 reads it: numbers, strings (DECIMAL too), null. */
export type OldRow = Readonly<Record<string, unknown>>;

export interface SourceNaming {
  /** Prefix of every model's table (`h_`). */
  readonly prefix: string;
  /** The `User` model names its table outright (`users`). */
  readonly usersTable: string;
}

/** What the old database lacks of what the import reads: whole tables, or columns of present ones. */
export interface MissingParts {
  readonly tables: string[];
  readonly columns: string[];
}

const quote = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/**
 * The old backend's MySQL database, read only. Rows are read in batches of ascending `id`
 * (keyset, so every batch is an index range however deep into the table), with the text protocol:
 * DECIMAL money then arrives as the digits MySQL holds, never as a float.
 */
export class LegacySource {
  private constructor(
    private readonly pool: Pool,
    private readonly naming: SourceNaming,
  ) {}

  static open(url: string, naming: SourceNaming): LegacySource {
    const pool = createPool({
      uri: url,
      connectionLimit: 2,
      // The old tables are `utf8` (3 bytes); reading them as utf8mb4 loses nothing.
      charset: 'utf8mb4',
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: false,
      dateStrings: true,
      connectTimeout: 5000,
    });
    return new LegacySource(pool, naming);
  }

  /** The table's real name in the old database. */
  tableName(table: LegacyTable): string {
    return table === 'users' ? this.naming.usersTable : `${this.naming.prefix}${table}`;
  }

  /** Checks every table and column the import reads; answers what is missing. */
  async missing(): Promise<MissingParts> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'select table_name as t, column_name as c from information_schema.columns where table_schema = database()',
    );
    const present = new Map<string, Set<string>>();
    for (const row of rows) {
      const table = String(row.t).toLowerCase();
      const columns = present.get(table) ?? new Set<string>();
      columns.add(String(row.c).toLowerCase());
      present.set(table, columns);
    }
    const missing: MissingParts = { tables: [], columns: [] };
    for (const [table, columns] of Object.entries(legacyColumns) as [LegacyTable, readonly string[]][]) {
      const name = this.tableName(table);
      const found = present.get(name.toLowerCase());
      if (!found) missing.tables.push(name);
      else missing.columns.push(...columns.filter((c) => !found.has(c)).map((c) => `${name}.${c}`));
    }
    return missing;
  }

  async count(table: LegacyTable): Promise<number> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `select count(*) as n from ${quote(this.tableName(table))}`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** The next rows after `afterId`, ascending, with the columns the import reads. */
  async batch(table: LegacyTable, afterId: number, size: number): Promise<OldRow[]> {
    const columns = legacyColumns[table].map(quote).join(', ');
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `select ${columns} from ${quote(this.tableName(table))} where id > ? order by id limit ?`,
      [afterId, size],
    );
    return rows;
  }

  /**
   * A query over old tables, written with `{table}` placeholders for their names, e.g.
   * `select goods_id, price from {goods_order} where pay = 1`.
   */
  async query(statement: string, params: readonly unknown[] = []): Promise<OldRow[]> {
    const sql = statement.replace(/\{([a-z_]+)\}/g, (_, table: string) => {
      if (!(table in legacyColumns)) throw new Error(`unknown old table in query: ${table}`);
      return quote(this.tableName(table as LegacyTable));
    });
    const [rows] = await this.pool.query<RowDataPacket[]>(sql, [...params]);
    return rows;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
