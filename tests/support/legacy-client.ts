import type { FastifyInstance } from 'fastify';
import qs from 'qs';

export type Encoding = 'json' | 'form' | 'multipart';
export const encodings: readonly Encoding[] = ['json', 'form', 'multipart'];

export interface LegacyAnswer {
  readonly status: number;
  readonly body: { res: number; err: string; data: unknown };
  readonly headers: Record<string, unknown>;
}

/** Posts fields to a legacy URL the way deployed clients do, in the given encoding. */
export async function legacyPost(
  app: FastifyInstance,
  url: string,
  fields: Record<string, unknown>,
  encoding: Encoding = 'json',
  options: { ip?: string } = {},
): Promise<LegacyAnswer> {
  const { payload, contentType } = await encode(fields, encoding);
  const response = await app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': contentType },
    ...(options.ip ? { remoteAddress: options.ip } : {}),
  });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

export async function legacyGet(
  app: FastifyInstance,
  url: string,
  fields: Record<string, unknown>,
  options: { ip?: string } = {},
): Promise<LegacyAnswer> {
  const query = qs.stringify(fields);
  const response = await app.inject({
    method: 'GET',
    url: query ? `${url}?${query}` : url,
    ...(options.ip ? { remoteAddress: options.ip } : {}),
  });
  return { status: response.statusCode, body: response.json(), headers: response.headers };
}

async function encode(fields: Record<string, unknown>, encoding: Encoding) {
  if (encoding === 'json')
    return { payload: JSON.stringify(fields), contentType: 'application/json;charset=UTF-8' };
  const flat = qs.stringify(fields, { encodeValuesOnly: true });
  if (encoding === 'form')
    return { payload: flat, contentType: 'application/x-www-form-urlencoded; charset=UTF-8' };
  const form = new FormData();
  for (const pair of flat.split('&').filter(Boolean)) {
    const [name = '', value = ''] = pair.split('=').map(decodeURIComponent);
    form.append(name, value);
  }
  const request = new Request('http://local/', { method: 'POST', body: form });
  return {
    payload: Buffer.from(await request.arrayBuffer()),
    contentType: request.headers.get('content-type') ?? 'multipart/form-data',
  };
}
