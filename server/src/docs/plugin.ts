import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { docsPageHeaders } from '../http/headers.js';
import { openApiText } from './openapi.js';

export interface DocsPluginOptions {
  /** Legacy dates in the examples are written in this zone, like the adapter writes them. */
  readonly timeZone: string;
}

/**
 * `/docs`: the generated reference (Swagger UI, served from the installed package, no CDN) and
 * `/docs/openapi.json`. The document is made on first request, so starting the app costs nothing.
 */
export async function docsPlugin(app: FastifyInstance, options: DocsPluginOptions): Promise<void> {
  // This plugin's routes only: the page's Content-Security-Policy, under which Swagger UI works.
  app.addHook('onRequest', docsPageHeaders);

  // Every copy of the document is sent from one text made once, not serialized per request: the
  // document is large, so each anonymous GET of it cost milliseconds of CPU as JSON, and
  // swagger-ui's own `/docs/yaml` converted it to YAML every time, ten times dearer. `/docs/yaml`
  // answers the same JSON text: JSON is YAML 1.2, so whatever parses YAML reads the same document
  // from it.
  const sendText = (type: string) => (_req: FastifyRequest, reply: FastifyReply) =>
    reply.type(type).send(openApiText(options.timeZone));
  const textRoutes: Record<string, string> = {
    '/docs/json': 'application/json; charset=utf-8',
    '/docs/yaml': 'application/x-yaml',
  };
  app.addHook('onRoute', (route) => {
    const type = textRoutes[route.url];
    if (type) route.handler = sendText(type);
  });

  // swagger-ui needs @fastify/swagger registered; in static mode with a stand-in it stays lazy, and
  // the hook above makes swagger-ui's document routes answer the real one. Both stay inside this
  // plugin's scope.
  await app.register(swagger, {
    mode: 'static',
    specification: {
      document: { openapi: '3.1.0', info: { title: 'Marketplace service', version: '1' }, paths: {} },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    theme: { title: 'Marketplace service · API reference' },
    uiConfig: {
      layout: 'BaseLayout',
      docExpansion: 'list',
      deepLinking: true,
      filter: true,
      defaultModelsExpandDepth: -1,
      displayRequestDuration: true,
    },
  });

  app.get('/docs/openapi.json', sendText('application/json; charset=utf-8'));
}
