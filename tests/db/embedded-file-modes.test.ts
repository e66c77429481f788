import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/src/db/database.js';

describe('the embedded database file', () => {
  it("is readable by the service's user alone, as the secret file is, its journal too", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'svc-modes-'));
    const database = openDatabase({ url: undefined, dataDir, poolSize: 1 });
    try {
      await sql`create table t (id integer)`.execute(database.db);
      const modeOf = (name: string) => statSync(path.join(dataDir, name)).mode & 0o777;
      expect(modeOf('app.db').toString(8)).toBe('600');
      expect(modeOf('app.db-wal').toString(8)).toBe('600');
    } finally {
      await database.close();
    }
  });
});
