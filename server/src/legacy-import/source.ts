import { createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import { FloatValue } from './float-values.js';
import { type LegacyTable, legacyColumns, moneyColumns } from './layout.js';

/**
 * One row of an old table, as mysql2 reads it: numbers, strings (DECIMAL too), null; a money
 * column of type FLOAT as a FloatValue.
 */
export type OldRow = Readonly<Record<string, unknown>>;

/** How one old money column is selected, and what comes back read (LegacySource.moneyColumn). */
export interface MoneyColumn {
  /** The expression that selects it: the column, or for a FLOAT its exact value. */
  readonly sql: string;
  /**
   * Not DECIMAL or a whole number type: MySQL's sum() adds such a column as DOUBLEs (a FLOAT or
   * DOUBLE holds binary fractions; text, e.g. `varchar`, is converted to them), so the sum is no
   * exact amount: 0.10 + 0.20 as text sums to 0.30000000000000004.
   */
  readonly approximate: boolean;
  /** The value as selected by `sql`, as the readers of values.ts take it. */
  read(value: unknown): unknown;
}

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

/** Column types MySQL's sum() adds exactly (as DECIMAL); it adds any other as DOUBLEs. */
const exactlySummedTypes = new Set(['decimal', 'tinyint', 'smallint', 'mediumint', 'int', 'bigint']);

const quote = (name: string) => `\`${name.replace(/`/g, '``')}\``;

/**
 * The old backend's MySQL database, read only. Rows are read in batches of ascending `id`
 * (keyset, so every batch is an index range however deep into the table), with the text protocol:
 * DECIMAL money then arrives as the digits MySQL holds, never as a float; FLOAT money is selected
 * exactly (moneyColumn).
 */
export class LegacySource {
  /**
   * The tables' names as the old database spells them, found by `missing()`: it matches names
   * ignoring case (an option typed `Users`, tables made on Windows), and a server on Linux only
   * answers a query naming a table exactly.
   */
  private readonly found = new Map<LegacyTable, string>();
  /** The data type (`decimal`, `float`...) of each column of the tables found, by lower-case name. */
  private readonly types = new Map<LegacyTable, Map<string, string>>();

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
    return this.found.get(table) ?? this.namedName(table);
  }

  /** The table's name as the options name it. */
  private namedName(table: LegacyTable): string {
    return table === 'users' ? this.naming.usersTable : `${this.naming.prefix}${table}`;
  }

  /**
   * Checks every table and column the import reads; answers what is missing. The import's first
   * query: a connection refused here is named as the old database's, since the CLI has just said
   * which new database it imports into and "Access denied" alone reads as that one's.
   */
  async missing(): Promise<MissingParts> {
    const [rows] = await this.pool
      .query<RowDataPacket[]>(
        'select table_name as t, column_name as c, data_type as d from information_schema.columns where table_schema = database()',
      )
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`the old database (--from) cannot be read: ${message}`, { cause: error });
      });
    const present = new Map<string, Map<string, string>>();
    for (const row of rows) {
      const table = String(row.t);
      const columns = present.get(table) ?? new Map<string, string>();
      columns.set(String(row.c).toLowerCase(), String(row.d).toLowerCase());
      present.set(table, columns);
    }
    const missing: MissingParts = { tables: [], columns: [] };
    for (const [table, columns] of Object.entries(legacyColumns) as [LegacyTable, readonly string[]][]) {
      const name = this.namedName(table);
      // The name exactly, else one that differs only in case.
      const real = present.has(name)
        ? name
        : [...present.keys()].find((other) => other.toLowerCase() === name.toLowerCase());
      const found = real === undefined ? undefined : present.get(real);
      if (real === undefined || !found) {
        missing.tables.push(name);
        continue;
      }
      this.found.set(table, real);
      this.types.set(table, found);
      missing.columns.push(...columns.filter((c) => !found.has(c)).map((c) => `${real}.${c}`));
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
    const money = new Map((moneyColumns[table] ?? []).map((c) => [c, this.moneyColumn(table, c)]));
    const columns = legacyColumns[table]
      .map((c) => {
        const exact = money.get(c);
        return exact ? `${exact.sql} as ${quote(c)}` : quote(c);
      })
      .join(', ');
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `select ${columns} from ${quote(this.tableName(table))} where id > ? order by id limit ?`,
      [afterId, size],
    );
    for (const row of rows) for (const [c, exact] of money) row[c] = exact.read(row[c]);
    return rows;
  }

  /**
   * How to select a money column so that no digit is lost: a FLOAT as `col + 0e0`, the DOUBLE that
   * holds the float's value exactly, read back as a FloatValue (the server would print 123456.78
   * as `123457`); any other type as it is (DECIMAL as its digits, DOUBLE as its shortest digits).
   * The DOUBLE comes as text, parsed here: mysql2 builds a number of up to 17 characters digit by
   * digit, which loses the last bit past 2^53, so 957.13 in a FLOAT (exactly 957.1300048828125)
   * came back as ...124, which no float is, and its row was refused as having more decimals.
   */
  moneyColumn(table: LegacyTable, column: string): MoneyColumn {
    const type = this.types.get(table)?.get(column);
    if (type === 'float') {
      return {
        sql: `cast(${quote(column)} + 0e0 as char)`,
        approximate: true,
        read: (value) => (typeof value === 'string' ? new FloatValue(Number(value)) : value),
      };
    }
    return { sql: quote(column), approximate: !exactlySummedTypes.has(type ?? ''), read: (value) => value };
  }

  /**
   * The lowest id of every value of `column` that two or more rows share, as `key` reads the
   * values (null: no value, shared by none). Compared here, by the reading the rows themselves get:
   * MySQL's trim() leaves tabs and line breaks, and its collations ignore case, so a `group by` in
   * the old database finds other groups than the import (and the new unique indexes) see.
   */
  firstIdsOfShared(
    table: LegacyTable,
    column: string,
    key: (value: unknown) => string | null,
  ): Promise<Map<string, number>> {
    return this.firstIdsOfSharedBy(table, [column], (row) => key(row[column]));
  }

  /** The same over several columns: `key` reads each row's `columns` into one value. */
  async firstIdsOfSharedBy(
    table: LegacyTable,
    columns: readonly string[],
    key: (row: OldRow) => string | null,
  ): Promise<Map<string, number>> {
    const firstOf = new Map<string, number>();
    const shared = new Map<string, number>();
    const selected = columns.map(quote).join(', ');
    for (let after = Number.MIN_SAFE_INTEGER; ; ) {
      const [rows] = await this.pool.query<RowDataPacket[]>(
        `select id, ${selected} from ${quote(this.tableName(table))} where id > ? order by id limit ?`,
        [after, 10_000],
      );
      if (rows.length === 0) break;
      after = Number(rows[rows.length - 1]?.id);
      for (const row of rows) {
        const value = key(row);
        if (value === null) continue;
        // Ascending ids: the first seen is the lowest.
        const first = firstOf.get(value);
        if (first === undefined) firstOf.set(value, Number(row.id));
        else shared.set(value, first);
      }
    }
    return shared;
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
