import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { consolePageHeaders } from './headers.js';

export interface ConsoleOptions {
  /** The built console (`npm run build:console` writes it); may be missing. */
  readonly root: string;
}

/**
 * Where `npm run build:console` puts the console: `console/dist` of the project, found by walking
 * up to the folder holding package.json, so the sources (server/src/http) and the compiled server
 * (dist/server/src/http) find the same folder.
 */
export function defaultConsoleRoot(from = import.meta.dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(from, '../../../console/dist');
    dir = parent;
  }
  return path.join(dir, 'console', 'dist');
}

/** A file may be sent compressed or not by the same URL: a cache in between must keep them apart. */
const negotiatedBy = 'Accept-Encoding';

const notBuilt =
  'The operators console is not built. Run `npm run build:console` (or `npm run build`), then reload.\n' +
  '控制台尚未构建：请运行 npm run build:console 后刷新页面。\n';

/**
 * `/console/`: the operators' console, a single-page app. Files of the build are served as they
 * are; any other path under /console/ is one of the app's own pages and gets index.html. The
 * build is looked for on each request, so a service started before the build serves it once
 * it exists, and a missing build is a clear 503 instead of a failed start.
 */
export async function consoleHttp(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  app.addHook('onRequest', consolePageHeaders);
  // serve: false: only reply.sendFile, under this plugin's scope; the routes below decide what is a file.
  // preCompressed: the build's `.br` / `.gz` beside a file are sent to a browser that accepts them.
  await app.register(fastifyStatic, {
    root: options.root,
    serve: false,
    decorateReply: true,
    preCompressed: true,
  });

  const page = (reply: FastifyReply) => {
    if (!existsSync(path.join(options.root, 'index.html'))) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(notBuilt);
    }
    // The page names the hashed assets of the current build: always ask again for it.
    return reply
      .headers({ 'cache-control': 'no-cache', vary: negotiatedBy })
      .sendFile('index.html', { cacheControl: false });
  };

  // The router ignores trailing slashes, so this route answers both; only the bare one redirects,
  // since the page's relative links need the slash.
  app.get('/console', (req, reply) => {
    const [pathname = '', query] = req.url.split('?');
    if (!pathname.endsWith('/')) return reply.redirect(`${pathname}/${query ? `?${query}` : ''}`, 301);
    return page(reply);
  });

  app.get('/console/*', (req, reply) => {
    const wanted = (req.params as { '*': string })['*'];
    const file = path.resolve(options.root, wanted);
    const inside = file.startsWith(`${options.root}${path.sep}`);
    if (inside && wanted !== '' && existsSync(file) && statSync(file).isFile()) {
      // Vite names assets by content hash: a name never changes its bytes.
      const hashed = wanted.startsWith('assets/');
      return reply
        .header('vary', negotiatedBy)
        .sendFile(wanted, { maxAge: hashed ? '365d' : 0, immutable: hashed });
    }
    // An asset that is not there is a 404, not the page: a stale tab must not parse HTML as script.
    if (wanted.startsWith('assets/')) return reply.callNotFound();
    return page(reply);
  });
}
