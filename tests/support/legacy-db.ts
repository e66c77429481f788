import { randomBytes } from 'node:crypto';
import { type Connection, createConnection } from 'mysql2/promise';

/**
 * An old backend's database, built in MySQL from the published table notes (LEGACY-DB.md) the way
 * a ThinkPHP 5 install would have it: `utf8` tables with the `h_` prefix (the users table without),
 * unix-second times, yuan in DECIMAL and DOUBLE columns, 0/1 tinyints, comma-joined URLs. A
 * database of its own, dropped by `drop()`.
 */
export interface LegacyDatabase {
  /** `mysql://.../<name>`, what `--from` takes. */
  readonly url: string;
  readonly name: string;
  insert(table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void>;
  execute(statement: string): Promise<void>;
  drop(): Promise<void>;
}

export const legacyTables: Readonly<Record<string, string>> = {
  users: `id int(11) unsigned NOT NULL AUTO_INCREMENT, phone varchar(20) NOT NULL DEFAULT '',
    email varchar(100) DEFAULT '', password varchar(100) DEFAULT '', token varchar(100) DEFAULT '',
    smscode varchar(10) DEFAULT '', face varchar(255) DEFAULT '', address varchar(255) DEFAULT '',
    usertype tinyint(1) NOT NULL DEFAULT 0, userstate tinyint(1) NOT NULL DEFAULT 0, PRIMARY KEY (id)`,
  h_user_person: `id int(11) NOT NULL AUTO_INCREMENT, user_id int(11) NOT NULL, name varchar(50) DEFAULT '',
    code varchar(30) DEFAULT '', pic varchar(500) DEFAULT '', picf varchar(500) DEFAULT '', job varchar(100) DEFAULT '',
    jobname varchar(100) DEFAULT '', jtype varchar(50) DEFAULT '', jtime varchar(100) DEFAULT '',
    timelong varchar(50) DEFAULT '', jobarea varchar(255) DEFAULT '', jobaddress varchar(255) DEFAULT '',
    money decimal(10,2) DEFAULT NULL, des text, state tinyint(1) NOT NULL DEFAULT 0, PRIMARY KEY (id)`,
  h_user_person_ji: `id int(11) NOT NULL AUTO_INCREMENT, user_id int(11) NOT NULL, name varchar(100) DEFAULT '',
    fen int(3) NOT NULL DEFAULT 0, PRIMARY KEY (id)`,
  h_user_person_des: `id int(11) NOT NULL AUTO_INCREMENT, user_id int(11) NOT NULL, name varchar(100) DEFAULT '',
    type varchar(100) DEFAULT '', link varchar(255) DEFAULT '', \`key\` text, des text, z text, PRIMARY KEY (id)`,
  h_user_person_job: `id int(11) NOT NULL AUTO_INCREMENT, user_id int(11) NOT NULL, \`begin\` int(11) NOT NULL DEFAULT 0,
    \`end\` int(11) NOT NULL DEFAULT 0, company varchar(100) DEFAULT '', job varchar(100) DEFAULT '', des text, PRIMARY KEY (id)`,
  h_user_person_edu: `id int(11) NOT NULL AUTO_INCREMENT, user_id int(11) NOT NULL, \`begin\` int(11) NOT NULL DEFAULT 0,
    \`end\` int(11) NOT NULL DEFAULT 0, school varchar(100) DEFAULT '', job varchar(100) DEFAULT '', li varchar(50) DEFAULT '',
    des text, PRIMARY KEY (id)`,
  h_user_company: `id int(11) NOT NULL AUTO_INCREMENT, user_id int(11) NOT NULL, company varchar(100) DEFAULT '',
    type varchar(100) DEFAULT '', pic varchar(500) DEFAULT '', pro varchar(50) DEFAULT '', city varchar(50) DEFAULT '',
    address varchar(255) DEFAULT '', year varchar(20) DEFAULT '', faren_name varchar(50) DEFAULT '',
    faren_z varchar(500) DEFAULT '', faren_f varchar(500) DEFAULT '', state tinyint(1) NOT NULL DEFAULT 0, PRIMARY KEY (id)`,
  h_user_geti: `id int(11) NOT NULL AUTO_INCREMENT, user_id int(11) NOT NULL, name varchar(100) DEFAULT '',
    zhusuo varchar(255) DEFAULT '', jingying varchar(255) DEFAULT '', youbian varchar(20) DEFAULT '',
    shouji varchar(30) DEFAULT '', zhiben decimal(12,2) DEFAULT NULL, leixing varchar(50) DEFAULT '',
    hesuan tinyint(1) DEFAULT NULL, renshu int(11) DEFAULT NULL, hangye varchar(100) DEFAULT '', fanwen text,
    faren_name varchar(50) DEFAULT '', faren_code varchar(30) DEFAULT '', state tinyint(1) NOT NULL DEFAULT 0, PRIMARY KEY (id)`,
  h_user_geti_hehuoren: `id int(11) NOT NULL AUTO_INCREMENT, geti_id int(11) NOT NULL, name varchar(50) DEFAULT '',
    code varchar(30) DEFAULT '', PRIMARY KEY (id)`,
  h_account: `id int(11) NOT NULL AUTO_INCREMENT, uid int(11) NOT NULL, amount decimal(12,3) NOT NULL DEFAULT 0.000,
    last_time int(11) NOT NULL DEFAULT 0, PRIMARY KEY (id)`,
  h_invest_log: `id int(11) NOT NULL AUTO_INCREMENT, uid int(11) NOT NULL, price double NOT NULL DEFAULT 0,
    time int(11) NOT NULL DEFAULT 0, isbill tinyint(1) NOT NULL DEFAULT 0, PRIMARY KEY (id)`,
  h_bill_log: `id int(11) NOT NULL AUTO_INCREMENT, uid int(11) NOT NULL, price decimal(10,2) NOT NULL DEFAULT 0.00,
    apptime int(11) NOT NULL DEFAULT 0, opentime int(11) NOT NULL DEFAULT 0, isbill tinyint(1) NOT NULL DEFAULT 0, PRIMARY KEY (id)`,
  h_filem: `id int(11) NOT NULL AUTO_INCREMENT, url varchar(255) DEFAULT '', time int(11) NOT NULL DEFAULT 0, PRIMARY KEY (id)`,
  h_goods: `id int(11) NOT NULL AUTO_INCREMENT, goodsid varchar(32) DEFAULT '', user_id int(11) NOT NULL,
    title varchar(100) DEFAULT '', titletype tinyint(1) NOT NULL DEFAULT 1, price decimal(10,2) NOT NULL DEFAULT 0.00,
    pricetype tinyint(1) NOT NULL DEFAULT 1, address varchar(255) DEFAULT '', timeb int(11) NOT NULL DEFAULT 0,
    timee int(11) NOT NULL DEFAULT 0, sort varchar(50) DEFAULT '', des text, order_id varchar(255) DEFAULT '',
    \`show\` tinyint(1) NOT NULL DEFAULT 0, pay tinyint(1) NOT NULL DEFAULT 0, suan tinyint(1) NOT NULL DEFAULT 0, PRIMARY KEY (id)`,
  h_goods_file: `id int(11) NOT NULL AUTO_INCREMENT, goods_id int(11) NOT NULL, url varchar(255) DEFAULT '', PRIMARY KEY (id)`,
  h_goods_order: `id int(11) NOT NULL AUTO_INCREMENT, goods_id int(11) NOT NULL, user_id int(11) NOT NULL, msg text,
    file varchar(1000) DEFAULT '', \`over\` varchar(1000) DEFAULT '', source varchar(1000) DEFAULT '',
    time int(11) NOT NULL DEFAULT 0, price decimal(10,2) DEFAULT 0.00, pay tinyint(1) NOT NULL DEFAULT 0,
    state tinyint(1) NOT NULL DEFAULT 0, ok tinyint(1) NOT NULL DEFAULT 0, PRIMARY KEY (id)`,
};

/** Creates an empty old database (every table of the notes) on the MySQL server of `serverUrl`. */
export async function createLegacyDatabase(serverUrl: string): Promise<LegacyDatabase> {
  const name = `legacy_${randomBytes(5).toString('hex')}`;
  const server = new URL(serverUrl);
  server.pathname = '/';
  const admin = await createConnection({ uri: server.toString() });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8 COLLATE utf8_general_ci`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const connection: Connection = await createConnection({ uri: url.toString(), charset: 'utf8mb4' });
  for (const [table, columns] of Object.entries(legacyTables)) {
    await connection.query(`CREATE TABLE \`${table}\` (${columns}) ENGINE=InnoDB DEFAULT CHARSET=utf8`);
  }
  return {
    url: url.toString(),
    name,
    async insert(table, rows) {
      if (rows.length === 0) return;
      const columns = Object.keys(rows[0] as object);
      const uniform = rows.every((row) => {
        const keys = Object.keys(row);
        return keys.length === columns.length && keys.every((key, i) => key === columns[i]);
      });
      if (!uniform) {
        // Rows naming different columns: the ones a row leaves out take their defaults, as a
        // ThinkPHP model's insert would leave them.
        for (const row of rows) await connection.query(`INSERT INTO \`${table}\` SET ?`, [row]);
        return;
      }
      for (let i = 0; i < rows.length; i += 2000) {
        const part = rows.slice(i, i + 2000);
        await connection.query(
          `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ?`,
          [part.map((row) => columns.map((c) => row[c] ?? null))],
        );
      }
    },
    async execute(statement) {
      await connection.query(statement);
    },
    async drop() {
      await connection.end();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}
