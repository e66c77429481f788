import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { docsPageHeaders } from '../http/headers.js';
import { openApiDocument } from './openapi.js';

export interface DocsPluginOptions {
  /** Legacy dates in the examples are written in this zone, like the adapter writes them. */
  readonly timeZone: string;
}

/**
 * `/docs`: the generated reference (Swagger UI, served from the installed package, no CDN) and
 * `/docs/openapi.json`. The document is made on first request, so starting the app costs nothing.
 */
export async function docsPlugin(app: FastifyInstance, options: DocsPluginOptions): Promise<void> {
  const document = () => openApiDocument(options.timeZone);
  // This plugin's routes only: the page's Content-Security-Policy, under which Swagger UI works.
  app.addHook('onRequest', docsPageHeaders);

  // swagger-ui reads its document from @fastify/swagger; in static mode with a stand-in, and the
  // real one handed over per request, it stays lazy. Both stay inside this plugin's scope.
  await app.register(swagger, {
    mode: 'static',
    specification: {
      document: { openapi: '3.1.0', info: { title: 'Marketplace service', version: '1' }, paths: {} },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    transformSpecification: () => document(),
    transformSpecificationClone: false,
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

  app.get('/docs/openapi.json', async (_req, reply) => reply.type('application/json').send(document()));
}
