import { createTRPCClient, httpBatchLink, httpLink, splitLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import { maxBatchSize } from '../../server/src/trpc/limits.js';
import { foreignAnswer } from './answers.js';
import type { AppRouter } from './types.js';

/** A fixed token, or a getter asked before every request (so a frontend can swap tokens after login). */
export type TokenSource =
  | string
  | undefined
  | (() => string | null | undefined | Promise<string | null | undefined>);

/** Where the service runs and who is calling: what `createClient` and `uploadFile` both take. */
export interface ClientOptions {
  /** Where the service runs, e.g. `http://localhost:3000`. */
  readonly url: string;
  readonly token?: TokenSource;
  /** For runtimes without a global fetch, or to add tracing. */
  readonly fetch?: typeof fetch;
}

export type Client = TRPCClient<AppRouter>;

/** The longest URL a batch of queries is given (see createClient). */
export const maxBatchUrlLength = 4000;

/** The typed client of the service: every procedure, with its input and output types. */
export function createClient(options: ClientOptions): Client {
  const common = {
    url: endpoint(options, '/trpc'),
    transformer: superjson,
    fetch: answersOfTheService(options),
    headers: () => authorization(options.token),
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        // Mutations go one to a request: their inputs travel in the body, which the server holds to
        // 1 MB and 2,000 JSON values, and the batch link cannot split by either. Two resumes saved
        // together (1,300 values each) were refused as one BODY_TOO_LARGE though each fits alone.
        // A query whose input alone would overflow the URL goes by itself in a POST body: the batch
        // link refuses one query longer than its URL limit with an error that names no code, so a
        // search box pasted full would read as "the service cannot be reached".
        condition: (op) => op.type === 'mutation' || mayOverflowUrl(op.input),
        true: httpLink({ ...common, methodOverride: 'POST' }),
        false: httpBatchLink({
          ...common,
          // The server refuses a larger batch; the link splits bigger ones.
          maxItems: maxBatchSize,
          // A batch of queries travels in the URL, and proxies refuse long ones (nginx's default
          // buffer for the request line is 8 KB; a Chinese character takes 9 bytes encoded):
          // batches are split to stay under this.
          maxURLLength: maxBatchUrlLength,
        }),
      }),
    ],
  });
}

/**
 * Whether an input, encoded into a URL as the link sends it (superjson), might not fit one, with
 * room for the path and the batch's wrapping.
 */
function mayOverflowUrl(input: unknown): boolean {
  return encodeURIComponent(superjson.stringify(input)).length > maxBatchUrlLength / 2;
}

/**
 * The address of a file the service named (an upload's `url`, a demand's `files[].url`): those are
 * paths on the service, which a page served from another origin must not resolve against its own.
 */
export function fileUrl(options: Pick<ClientOptions, 'url'>, url: string): string {
  return /^[a-z][a-z\d+.-]*:/i.test(url) ? url : endpoint(options, url.startsWith('/') ? url : `/${url}`);
}

/** A path of the service, whether or not `url` ends with a slash. */
export function endpoint(options: Pick<ClientOptions, 'url'>, path: string): string {
  return `${options.url.replace(/\/+$/, '')}${path}`;
}

/** The connection's fetch, failing with a clear error on an answer that is not the service's. */
function answersOfTheService(options: ClientOptions): typeof fetch {
  return async (input, init) => {
    // The global fetch is looked up at each call, as tRPC does, so a polyfill installed later counts.
    const response = await (options.fetch ?? fetch)(input, init);
    const failure = await foreignAnswer(response);
    if (failure) throw failure;
    return response;
  };
}

/** `Authorization: Bearer <token>` when the source has a token now, else no header. */
export async function authorization(source: TokenSource): Promise<Record<string, string>> {
  const token = typeof source === 'function' ? await source() : source;
  return token ? { authorization: `Bearer ${token}` } : {};
}
