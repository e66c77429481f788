import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../server/src/db/transaction.js';
import { type FileUse, LegacyFileMover } from '../../server/src/legacy-import/files.js';
import { FileTally } from '../../server/src/legacy-import/report.js';
import { backends, withPrivateDatabase } from '../support/backends.js';
import { samplePng } from '../support/sample-files.js';
import { openServices } from '../support/services.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/*
 * The importer's file mover remembers every distinct old URL for the whole run, so that a URL is
 * copied once however many rows name it. It used to keep each one's whole decision (a settled
 * promise, the decision, its key twice, a count of the batches naming it that never went away):
 * ~340 bytes of heap a URL, which a probe saw take an import of 3.4 million old rows past 1 GB.
 */

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const png = samplePng();

const publicUse = (url: string, ownerId: number | null = null): FileUse => ({
  url,
  ownerId,
  document: false,
  where: `users ${ownerId}`,
});

describe.each(backends)("the import's file mover ($name)", (backend) => {
  let t: TestApp;
  let opened: Awaited<ReturnType<typeof openServices>>;
  let root: string;
  const moverOf = (options: { filesRoot?: string; dryRun?: boolean } = {}) =>
    new LegacyFileMover({
      db: t.stores.database.db,
      uploads: opened.services.uploads,
      filesRoot: options.filesRoot,
      dryRun: options.dryRun ?? false,
      tally: new FileTally(),
      now: t.clock.now(),
    });

  beforeAll(async () => {
    t = await startTestApp(withPrivateDatabase(backend));
    opened = await openServices(t);
    root = mkdtempSync(path.join(tmpdir(), 'file-mover-'));
    mkdirSync(path.join(root, 'uploads'));
    writeFileSync(path.join(root, 'uploads', 'shared.png'), png);
  });
  afterAll(async () => {
    await opened?.close();
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('remembers a distinct old URL in about a hundred bytes once its batch committed', async () => {
    const mover = moverOf({ dryRun: true });
    const urls = 50_000;
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let first = 0; first < urls; first += 1000) {
      const uses = Array.from({ length: 1000 }, (_, i) => publicUse(`/uploads/order/2019${first + i}.pdf`));
      const files = await mover.prepare(uses);
      files.committed();
    }
    collectGarbage();
    const perUrl = (process.memoryUsage().heapUsed - before) / urls;
    // Still remembered: a URL named again is not decided anew.
    const again = await mover.prepare([publicUse('/uploads/order/20190.pdf')]);
    expect(again.urlOf('/uploads/order/20190.pdf', null)).toBe('/uploads/order/20190.pdf');
    // ~90 bytes here; the whole decisions took ~340.
    expect(perUrl).toBeLessThan(200);
  });

  it('keeps a copy a committed batch recorded when another batch naming it drops its row', async () => {
    const mover = moverOf({ filesRoot: root });
    // Two batches name the file at once (the import decides one while it writes the one before).
    const first = await mover.prepare([publicUse('/uploads/shared.png')]);
    const second = await mover.prepare([publicUse('/uploads/shared.png')]);
    const stored = first.urlOf('/uploads/shared.png', null);
    expect(stored).not.toBe('/uploads/shared.png');
    expect(second.urlOf('/uploads/shared.png', null)).toBe(stored);

    await inTransaction(t.stores.database.db, (tx) => first.write(tx));
    first.committed();
    // The second batch's only row naming it is refused (its list too long once rewritten, say).
    await second.keepOnly([]);

    const served = await t.app.inject({ method: 'GET', url: stored });
    expect(served.statusCode).toBe(200);
    expect(served.rawPayload.equals(png)).toBe(true);
  });
});
