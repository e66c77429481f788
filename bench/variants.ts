import { ownerCount, perPage, searchTerms } from './data.js';
import type { BenchRequest } from './load.js';
import type { SeededData } from './seed.js';

/** Which server a variant runs against. */
export type ServerName = 'bareHello' | 'bareList' | 'service';

/** Each server's script in bench/servers. */
export const serverScripts: Readonly<Record<ServerName, string>> = {
  bareHello: 'bare-hello.ts',
  bareList: 'bare-list.ts',
  service: 'service.ts',
};

export interface Variant {
  readonly name: string;
  readonly description: string;
  readonly server: ServerName;
  readonly requests: readonly BenchRequest[];
  /** Throws when a probed answer is not the success the variant is meant to measure. */
  readonly check: (body: unknown) => void;
  /** Runs only when named in `--only`: its requests would queue on MySQL past their run and starve the next variant. */
  readonly optIn?: boolean;
}

/** Distinct owners the authenticated variants cycle through, so the token GETs hit many keys. */
const ownersInRotation = Math.min(500, ownerCount);

const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** A legacy envelope with a paginator whose rows satisfy `rows`. */
const legacyPage =
  (rows: (count: number, total: number) => boolean) =>
  (body: unknown): void => {
    const envelope = body as { res: number; err: string; data: { total: number; data: unknown[] } };
    expect(envelope.res === 1, `legacy answer failed: ${envelope.err}`);
    expect(
      rows(envelope.data.data.length, envelope.data.total),
      `unexpected page: ${envelope.data.data.length} rows of ${envelope.data.total}`,
    );
  };

const fullPage = legacyPage((count) => count === perPage);

export function buildVariants(seeded: SeededData): Variant[] {
  const owners = Array.from({ length: ownersInRotation }, (_, i) => ({
    userId: i + 1,
    token: seeded.tokens[i] as string,
  }));
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  // What client-sdk sends: httpBatchLink, superjson input.
  const trpcInput = encodeURIComponent(JSON.stringify({ 0: { json: { perPage } } }));
  const publicList = (fields: Record<string, unknown>): BenchRequest[] => [
    {
      method: 'POST',
      path: '/index/goods/index',
      headers: json,
      body: JSON.stringify({ limit: perPage, ...fields }),
    },
  ];

  const bareList: Variant = {
    name: 'B3',
    description: 'bare Fastify: Redis token GET + the same Kysely queries by hand',
    server: 'bareList',
    requests: owners.map((o) => ({ method: 'GET', path: '/list', headers: bearer(o.token) })),
    check: (body) => expect((body as { items: unknown[] }).items.length === perPage, 'B3: not a full page'),
  };

  return [
    {
      name: 'B1',
      description: 'bare Fastify, hello',
      server: 'bareHello',
      requests: [{ method: 'GET', path: '/' }],
      check: (body) => expect((body as { hello?: string }).hello === 'world', 'B1 answered something else'),
    },
    bareList,
    // Nothing changed: how far one round's ratio strays by the machine alone (an A/A check).
    { ...bareList, name: 'B3again', description: 'B3 once more (the bench against itself)', optIn: true },
    {
      name: 'T1',
      description: '`demands.listMine` over /trpc (superjson, batch link)',
      server: 'service',
      requests: owners.map((o) => ({
        method: 'GET',
        path: `/trpc/demands.listMine?batch=1&input=${trpcInput}`,
        headers: bearer(o.token),
      })),
      check: (body) => {
        const items = (body as Array<{ result?: { data?: { json?: { items?: unknown[] } } } }>)[0]?.result
          ?.data?.json?.items;
        expect(items?.length === perPage, `T1: not a full page: ${JSON.stringify(body).slice(0, 200)}`);
      },
    },
    {
      name: 'L1',
      description: '/user/goods/index, JSON body',
      server: 'service',
      requests: owners.map((o) => ({
        method: 'POST',
        path: '/user/goods/index',
        headers: json,
        body: JSON.stringify({
          user_id_check: String(o.userId),
          token_check: o.token,
          limit: String(perPage),
        }),
      })),
      check: fullPage,
    },
    {
      name: 'L2',
      description: '/user/goods/index, form body',
      server: 'service',
      requests: owners.map((o) => ({
        method: 'POST',
        path: '/user/goods/index',
        headers: form,
        body: new URLSearchParams({
          user_id_check: String(o.userId),
          token_check: o.token,
          limit: String(perPage),
        }).toString(),
      })),
      check: fullPage,
    },
    ...publicListVariants(seeded, publicList),
  ];
}

/** The kind the filtered variants ask for (`titletype` 2: full-time). */
export const benchKind = 2;

/** What a search of the public list may count at most (server/src/features/demands/public-search.ts). */
const maxCountedMatches = 10_000;

/**
 * The public list at page 1, page 500 and the last page, and title search with a frequent, a rare
 * and a no-match term, each without and with a kind filter; and the frequent term's last page
 * within the 10,000 counted matches. Every one is measured against page 1 of the same run.
 */
function publicListVariants(
  seeded: SeededData,
  publicList: (fields: Record<string, unknown>) => BenchRequest[],
): Variant[] {
  const variants: Variant[] = [];
  for (const kind of [undefined, benchKind]) {
    const suffix = kind === undefined ? '' : 'Kind';
    const filter = kind === undefined ? {} : { titletype: kind };
    const where = kind === undefined ? '' : ` of kind ${kind}`;
    const reviewed = kind === undefined ? seeded.reviewed : (seeded.reviewedOfKind[kind] ?? 0);
    const lastPage = Math.ceil(reviewed / perPage);
    variants.push(
      {
        name: `page1${suffix}`,
        description: `public list /index/goods/index${where}, page 1`,
        server: 'service',
        requests: publicList({ ...filter, page: 1 }),
        check: fullPage,
      },
      {
        name: `page500${suffix}`,
        description: `public list${where}, page 500`,
        server: 'service',
        requests: publicList({ ...filter, page: 500 }),
        check: fullPage,
      },
      {
        name: `pageLast${suffix}`,
        description: `public list${where}, last page (${lastPage})`,
        server: 'service',
        requests: publicList({ ...filter, page: lastPage }),
        check: legacyPage((count, total) => count >= 1 && count <= perPage && total === reviewed),
      },
      {
        name: `searchFrequent${suffix}`,
        description: `title contains "${searchTerms.frequent}"${where}`,
        server: 'service',
        requests: publicList({ ...filter, title: searchTerms.frequent }),
        check: legacyPage(
          (count, total) => count === perPage && total >= Math.min(maxCountedMatches, reviewed / 20),
        ),
      },
      {
        name: `searchRare${suffix}`,
        description: `title contains "${searchTerms.rare}"${where}`,
        server: 'service',
        requests: publicList({ ...filter, title: searchTerms.rare }),
        check: legacyPage((count, total) => count >= 1 && total < reviewed / 500),
      },
      {
        name: `searchNone${suffix}`,
        description: `title contains "${searchTerms.none}"${where} (no title does)`,
        server: 'service',
        requests: publicList({ ...filter, title: searchTerms.none }),
        check: legacyPage((count, total) => count === 0 && total === 0),
      },
    );
  }
  // The frequent term's deepest page: at 1M demands, the 500th page of the 10,000 counted matches.
  // Its walk reads ~80k rows (0.3–0.5 s of MariaDB): 50 of them at once keep MySQL busy for seconds
  // after the run, so it runs only when asked for (`--only searchFrequentDeep`).
  const frequentMatches = Math.min(maxCountedMatches, Math.floor(seeded.reviewed / 8));
  const deepPage =
    frequentMatches === maxCountedMatches
      ? maxCountedMatches / perPage
      : Math.max(1, Math.floor((frequentMatches * 0.95) / perPage));
  variants.push({
    name: 'searchFrequentDeep',
    description: `title contains "${searchTerms.frequent}", page ${deepPage}`,
    server: 'service',
    requests: publicList({ title: searchTerms.frequent, page: deepPage }),
    check: fullPage,
    optIn: true,
  });
  return variants;
}
