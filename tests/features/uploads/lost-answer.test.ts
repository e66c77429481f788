import { Readable } from 'node:stream';
import { InsertQueryNode, type KyselyPlugin, type QueryId, type RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginBySms } from '../../support/auth-flow.js';
import { backends } from '../../support/backends.js';
import { samplePng } from '../../support/sample-files.js';
import { openServices } from '../../support/services.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

/**
 * MySQL commits an insert and the connection dies before its answer arrives (or the answer comes
 * after the client's deadline): the caller sees a failure of a write that happened. Here the
 * insert into `uploads` really commits and its answer is then lost, as a cut connection loses it.
 */
function losingTheAnswerOfUploadInserts(): KyselyPlugin {
  const uploadInserts = new WeakSet<QueryId>();
  return {
    transformQuery({ node, queryId }): RootOperationNode {
      if (InsertQueryNode.is(node) && node.into?.table.identifier.name === 'uploads') {
        uploadInserts.add(queryId);
      }
      return node;
    },
    async transformResult({ queryId, result }) {
      if (!uploadInserts.has(queryId)) return result;
      throw Object.assign(new Error('Connection lost: The server closed the connection.'), {
        code: 'PROTOCOL_CONNECTION_LOST',
        fatal: true,
      });
    },
  };
}

const stores = backends.filter((backend) => backend.name !== 'mysql+redis-cluster');

describe.each(stores)('an upload whose record was written but its answer lost ($name)', (backend) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(backend);
  });
  afterAll(() => t.close());

  it('keeps the file the committed row names, and still fails the call', async () => {
    const user = await loginBySms(t);
    const { services, close } = await openServices(t, (db) =>
      db.withPlugin(losingTheAnswerOfUploadInserts()),
    );
    try {
      const received = await services.uploads.receive(Readable.from([samplePng()]), 'a.png', 'member');
      await expect(services.uploads.record(received, user.userId, '10.0.0.1')).rejects.toThrow(
        'Connection lost',
      );
      const row = await t.stores.database.db
        .selectFrom('uploads')
        .select('storage_key')
        .where('storage_key', '=', received.key)
        .executeTakeFirst();
      expect(row?.storage_key).toBe(received.key);
      expect((await t.readStored(received.key)).equals(samplePng())).toBe(true);
    } finally {
      await close();
    }
  });
});
