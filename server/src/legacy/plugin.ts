import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { Context, Credentials } from '../trpc/context.js';
import { createCaller } from '../trpc/router.js';
import { collectFields } from './body.js';
import type { LegacyFields } from './codecs/values.js';
import { failure, success, transportFailures } from './envelope.js';
import { legacyFailure } from './failures.js';
import { fileIntake } from './file-intake.js';
import { type AnyLegacyRoute, canonicalPath, sessionFields } from './route.js';

export interface LegacyPluginOptions {
  readonly routes: readonly AnyLegacyRoute[];
  readonly createContext: (req: FastifyRequest, credentials: Credentials) => Context;
}

/**
 * The legacy door: one handler for `/index/*` and `/user/*` that finds the row by canonical path,
 * translates fields, calls the procedure in-process and wraps the answer in the envelope.
 */
export async function legacyPlugin(app: FastifyInstance, options: LegacyPluginOptions): Promise<void> {
  const byPath = new Map(options.routes.map((route) => [route.path, route]));

  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const route = byPath.get(canonicalPath(req.url));
    if (!route) return reply.code(404).send(failure(transportFailures[404]));

    // A route taking files receives them while the form streams, before the login fields may have come.
    const intake = route.files ? fileIntake(route.files, options.createContext(req, {})) : undefined;
    let fields: LegacyFields;
    try {
      fields = await collectFields(req, intake?.onFile);
      if (intake?.refusal) throw intake.refusal.error;
    } catch (error) {
      await intake?.discardAll();
      // A receiver's refusal is answered here, even when multipart then failed on the same file (its
      // size cap); any other broken or oversized form is the app's 4xx/5xx.
      const reason = intake?.refusal?.error ?? error;
      if (!(reason instanceof AppError)) throw reason;
      const { status, err } = legacyFailure(reason, route.labels, {});
      return reply.code(status).send(failure(err));
    }
    const credentials = route.credentials
      ? route.credentials(fields)
      : route.path.startsWith('/user/')
        ? sessionFields(fields)
        : {};
    const context = options.createContext(req, credentials);
    const request = { credentials, timeZone: context.config.displayTimeZone };
    const input = route.decode(fields, request);
    try {
      const output = await route.call(createCaller(context), input, context);
      return reply.send(success(route.encode(output, request)));
    } catch (error) {
      await intake?.discardAll();
      const { status, err } = legacyFailure(error, route.labels, input);
      if (status === 500) req.log.error({ err: error, route: route.path }, 'legacy route failed');
      return reply.code(status).send(failure(err));
    }
  };

  for (const prefix of ['/index/*', '/user/*']) {
    app.route({ method: ['GET', 'POST'], url: prefix, handler: handle });
  }
}
