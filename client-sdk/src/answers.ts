import { TRPCClientError } from '@trpc/client';
import type { AppClientError } from './errors.js';
import type { AppRouter } from './types.js';

/**
 * The service answers everything in JSON, failures included. Anything else is a proxy's or a
 * balancer's page (an HTML 502, 504 or 413) or what a wrong `url` reached: the error naming it, or
 * undefined for the service's answer. Without this, tRPC fails on such a page with a JSON parse
 * error ("Unexpected token '<'"), or on JSON of another shape with "Unable to transform response
 * from server", neither naming the status nor where the answer came from.
 */
export async function foreignAnswer(response: Response): Promise<AppClientError | undefined> {
  if (isJson(response) && (response.ok || (await isProcedureFailure(response)))) return undefined;
  await discardBody(response);
  return notTheService(response);
}

/**
 * Whether a failure's JSON is the service's: `{error: {...}}`, or a batch's array of answers. JSON
 * of another shape is another server's (a JSON 413 of a proxy), or the service's legacy door
 * answering a wrong `url` (`{"res": 0, "err": "接口不存在"}`). Read from a copy: tRPC reads the answer.
 * Only failures are read twice, and they are small.
 */
async function isProcedureFailure(response: Response): Promise<boolean> {
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  const isAnswer = (item: unknown) => isObject(item) && (isObject(item.error) || 'result' in item);
  return Array.isArray(body) ? body.length > 0 && body.every(isAnswer) : isAnswer(body);
}

/**
 * Nobody will read the body: the connection is freed now rather than when it is collected. A
 * custom `fetch` (node-fetch, say) may hand a body that is no web stream, which is left alone.
 */
async function discardBody(response: Response): Promise<void> {
  const body: { cancel?: unknown } | null = response.body;
  if (typeof body?.cancel === 'function') await response.body?.cancel().catch(() => undefined);
}

/** The error for an answer that is not the service's: its status, type and path, and the response. */
export function notTheService(response: Response): AppClientError {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const type = response.headers.get('content-type')?.split(';')[0] ?? 'no content type';
  const from = response.url ? ` from ${withoutQuery(response.url)}` : '';
  const message = `${status} (${type})${from} instead of the service's answer: a proxy's error page, or a wrong url?`;
  return TRPCClientError.from<AppRouter>(new Error(message), { meta: { response } });
}

/** `{error: {message, code, data}}`: a failure as the service shapes it on /api/uploads. */
export function isServiceFailure(body: unknown): body is { error: Record<string, unknown> } {
  if (!isObject(body) || !isObject(body.error)) return false;
  return typeof body.error.message === 'string' && typeof body.error.code === 'number';
}

const isJson = (response: Response) =>
  /^application\/(?:[\w.+-]+\+)?json\b/i.test(response.headers.get('content-type') ?? '');

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The URL without its query, which on /trpc holds every input of the batch. */
function withoutQuery(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
