import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import vary from 'vary';

/*
 * Security headers come from helmet. Not through @fastify/helmet: that plugin calls
 * `helmet(options)` again on every request (building each header's value anew) and adds an async
 * hook per request; here each set of headers is computed once, at start, and a request only adds
 * those values to its reply.
 */

/** Headers every answer carries that matter whatever the answer is (JSON, a file, an error). */
const everyAnswer: HelmetOptions = {
  // Nothing this service answers is meant to be rendered as a page, framed, or to load anything.
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  xFrameOptions: { action: 'deny' },
  xContentTypeOptions: true,
  referrerPolicy: { policy: 'no-referrer' },
  // Uploads are shown by the apps' own pages (another origin) in <img> tags.
  crossOriginResourcePolicy: { policy: 'cross-origin' },
  // Whoever terminates TLS (the proxy) decides HSTS; the rest only matter for HTML pages (/docs).
  strictTransportSecurity: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xPoweredBy: false,
  xXssProtection: false,
};

/** The pages this service serves: their own scripts, styles, fonts and images, calls to it, nothing else. */
const pageDirectives = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  connectSrc: ["'self'"],
  fontSrc: ["'self'", 'data:'],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  imgSrc: ["'self'", 'data:'],
  objectSrc: ["'none'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
};

/**
 * The API reference: Swagger UI, served from the installed package (no CDN, no inline script),
 * under the pages' policy; and it gets helmet's other headers for pages.
 */
const docsPage: HelmetOptions = {
  ...everyAnswer,
  contentSecurityPolicy: { useDefaults: false, directives: pageDirectives },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  originAgentCluster: true,
  xDnsPrefetchControl: { allow: false },
  xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
};

/**
 * The headers helmet sets for these options (its values are fixed: no directive here depends on the
 * request), read once from a response its middleware ran on. helmet 8 sets them synchronously.
 */
function headersOf(options: HelmetOptions): Readonly<Record<string, string>> {
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  helmet(options)(request, response, (error?: unknown) => {
    if (error) throw error;
  });
  return Object.fromEntries(
    Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]),
  );
}

/**
 * An onRequest hook adding the headers to Fastify's reply, which writes all of an answer's headers
 * in one go. Set on the raw response (as helmet does), they would make Node merge every other header
 * of the answer into them one by one, each validated on the way.
 */
const asHook =
  (headers: Readonly<Record<string, string>>) =>
  (_req: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    reply.headers(headers);
    done();
  };

/** The headers of every answer, for an answer written without Fastify (http/framework-errors.ts). */
export const everyAnswerHeaderValues = headersOf(everyAnswer);
/** onRequest hook: the headers of every answer. */
export const everyAnswerHeaders = asHook(everyAnswerHeaderValues);
/** onRequest hook for the routes of /docs: the page's own policy (replaces the one above). */
export const docsPageHeaders = asHook(headersOf(docsPage));

/** A request id a client may choose: short and plain, so it can go into logs and headers as it is. */
const plainRequestId = /^[A-Za-z0-9._-]{1,64}$/;

/** The client's `X-Request-Id` when it is plain, else a fresh one (never a 3,000-character echo). */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && plainRequestId.test(given) ? given : randomUUID();
}

/**
 * With a list of allowed origins, every answer depends on the request's Origin, and caches must
 * know it. @fastify/cors says so, but an answer with a `Vary` of its own replaces it: tRPC's
 * adapter sends a web `Response` with `vary: trpc-accept, accept`, whose headers Fastify copies
 * over the reply's after the onSend hooks. For an onSend hook: Origin goes where it will stay.
 */
export function addVaryOrigin(reply: FastifyReply, payload: unknown): void {
  if (payload instanceof Response) {
    const current = payload.headers.get('vary');
    if (current !== null) payload.headers.set('vary', vary.append(current, 'Origin'));
  }
  const current = reply.getHeader('vary');
  const updated = vary.append(typeof current === 'string' ? current : '', 'Origin');
  if (updated !== current) reply.header('vary', updated);
}

/**
 * The operators' console (/console/): its own bundled scripts and styles, images from this
 * service (uploads, through signed URLs), calls to this service only. Styles must allow inline:
 * the component library (antd) writes its CSS at run time into <style> elements and style
 * attributes. Scripts stay 'self' only, so an injected string still cannot run.
 */
const consolePage: HelmetOptions = {
  ...docsPage,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      ...pageDirectives,
      imgSrc: ["'self'", 'data:', 'blob:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
    },
  },
};

/** onRequest hook for the routes of /console: the page's own policy (replaces the one above). */
export const consolePageHeaders = asHook(headersOf(consolePage));
