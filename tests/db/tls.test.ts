import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/src/db/database.js';
import { migrateToLatest } from '../../server/src/db/migrator.js';
import { StartupError, startingWith } from '../../server/src/startup-error.js';
import { testDatabaseUrl, testRequestLimits } from '../support/backends.js';
import { canStartMariaDb, MariaDbServer } from '../support/mariadb-server.js';

const run = promisify(execFile);

/** Opens `url`'s database as the service does at start, and asks it one thing over the connection. */
async function cipherOf(url: string): Promise<string> {
  return startingWith('DATABASE_URL', async () => {
    const database = openDatabase({ url, dataDir: tmpdir(), poolSize: 1, limits: testRequestLimits });
    try {
      const result = await sql<{ Value: string }>`SHOW SESSION STATUS LIKE 'Ssl_cipher'`.execute(database.db);
      return result.rows[0]?.Value ?? '';
    } finally {
      await database.close();
    }
  });
}

const withSsl = (url: string, ssl: object) => `${url}?ssl=${encodeURIComponent(JSON.stringify(ssl))}`;

/** What the start prints for a failure: one line naming the setting, or the stack of a bug. */
const startFailure = (url: string) =>
  cipherOf(url).then(
    () => 'connected',
    (error: unknown) => (error instanceof StartupError ? error.message : String((error as Error).stack)),
  );

/**
 * Managed MySQL asks for TLS. The README now says how (`?ssl={...}` in DATABASE_URL, mysql2's own
 * syntax); a server with a certificate of a CA of the test's own shows that it works, and that a
 * refused certificate or a server without TLS stops the start on one line naming the setting.
 */
const runs = Boolean(testDatabaseUrl) && (await canStartMariaDb());

async function hasTls(url: string): Promise<boolean> {
  const database = openDatabase({ url, dataDir: tmpdir(), poolSize: 1 });
  try {
    const { rows } = await sql<{ Value: string }>`SHOW VARIABLES LIKE 'have_ssl'`.execute(database.db);
    return rows[0]?.Value === 'YES';
  } finally {
    await database.close();
  }
}
const sharedServerWithoutTls = runs && !(await hasTls(testDatabaseUrl as string));

describe.skipIf(!runs)('MySQL over TLS', () => {
  let server: MariaDbServer;
  let certificates: string;
  let ca: string;
  beforeAll(async () => {
    certificates = mkdtempSync(path.join(tmpdir(), 'svc-tls-'));
    const file = (name: string) => path.join(certificates, name);
    await run(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=test CA'].concat([
        '-keyout',
        file('ca.key'),
        '-out',
        file('ca.pem'),
      ]),
    );
    await run(
      'openssl',
      ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1'].concat([
        '-keyout',
        file('server.key'),
        '-out',
        file('server.csr'),
      ]),
    );
    await run('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1' > '${file('san.ext')}'`]);
    await run(
      'openssl',
      ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key')].concat([
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        file('san.ext'),
        '-out',
        file('server.pem'),
      ]),
    );
    ca = readFileSync(file('ca.pem'), 'utf8');
    server = await MariaDbServer.start([
      `--ssl-ca=${file('ca.pem')}`,
      `--ssl-cert=${file('server.pem')}`,
      `--ssl-key=${file('server.key')}`,
    ]);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    if (certificates) rmSync(certificates, { recursive: true, force: true });
  });

  it('connects, migrates and answers over TLS with the CA named in the URL', async () => {
    const url = withSsl(server.url, { ca });
    expect(await cipherOf(url)).not.toBe('');
    const database = openDatabase({ url, dataDir: tmpdir(), poolSize: 1 });
    try {
      await migrateToLatest(database.db);
    } finally {
      await database.close();
    }
  });

  it('stops the start on one line when the certificate is not trusted', async () => {
    expect(await startFailure(withSsl(server.url, {}))).toMatch(
      /^DATABASE_URL: .*self[- ]signed certificate/,
    );
  });

  // The shared test server, when it runs without TLS (Debian's MariaDB default).
  it.runIf(sharedServerWithoutTls)('stops the start on one line when the server has no TLS', async () => {
    expect(await startFailure(withSsl(testDatabaseUrl as string, {}))).toBe(
      'DATABASE_URL: Server does not support secure connection',
    );
  });
});
