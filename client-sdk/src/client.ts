import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import { maxBatchSize } from '../../server/src/trpc/limits.js';
import { nonJsonAnswer } from './answers.js';
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
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: endpoint(options, '/trpc'),
        transformer: superjson,
        // The server refuses a larger batch; the link splits bigger ones.
        maxItems: maxBatchSize,
        // A batch of queries travels in the URL, and proxies refuse long ones (nginx's default
        // buffer for the request line is 8 KB; a Chinese character takes 9 bytes encoded): batches
        // are split to stay under this. A single query longer than it still goes, alone.
        maxURLLength: maxBatchUrlLength,
        fetch: answersOfTheService(options),
        headers: () => authorization(options.token),
      }),
    ],
  });
}

/** A path of the service, whether or not `url` ends with a slash. */
export function endpoint(options: ClientOptions, path: string): string {
  return `${options.url.replace(/\/+$/, '')}${path}`;
}

/** The connection's fetch, failing with a clear error on an answer that is not the service's JSON. */
function answersOfTheService(options: ClientOptions): typeof fetch {
  return async (input, init) => {
    // The global fetch is looked up at each call, as tRPC does, so a polyfill installed later counts.
    const response = await (options.fetch ?? fetch)(input, init);
    const failure = await nonJsonAnswer(response);
    if (failure) throw failure;
    return response;
  };
}

/** `Authorization: Bearer <token>` when the source has a token now, else no header. */
export async function authorization(source: TokenSource): Promise<Record<string, string>> {
  const token = typeof source === 'function' ? await source() : source;
  return token ? { authorization: `Bearer ${token}` } : {};
}
