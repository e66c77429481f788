import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { type AuthUser, authenticate, type Credentials } from '../features/auth/authenticate.js';
import { closeIfBodyUnread, readRestOfBody } from '../http/body-unread.js';
import type { BodyWaitLimits } from '../http/body-watch.js';
import type { FormWaitLimits } from '../http/multipart.js';
import type { UploadSlots } from '../http/upload-slots.js';
import type { Context } from '../trpc/context.js';
import { procedureAt } from '../trpc/router.js';
import { collectFields } from './body.js';
import { failure, success } from './envelope.js';
import { legacyFailure } from './failures.js';
import { decodeFields, type RawFields } from './fields.js';
import { canonicalPath, defaultLoginFields, type LegacyRoute } from './route.js';
import { acceptUpload, legacyUploadIntake } from './uploads.js';

export interface LegacyPluginOptions {
  readonly routes: readonly LegacyRoute[];
  /** The zone legacy dates are read and written in. */
  readonly timeZone: string;
  readonly createContext: (req: FastifyRequest, credentials: Credentials, user?: AuthUser) => Context;
  /** How long a multipart form may keep the service waiting for its bytes; the upload's only on upload rows. */
  readonly formWaitLimits: FormWaitLimits;
  /** The client's uploads in flight at once, shared with `/api/uploads`. */
  readonly uploadSlots: UploadSlots;
}

/**
 * The legacy door: one handler for `/index/*` and `/user/*` that finds the row by canonical path,
 * reads the fields, settles the login, decodes the input by the row's field table, calls the
 * procedure in-process and wraps the answer in the envelope. Every failure is answered from its
 * AppError code (legacy/failures.ts).
 */
export async function legacyPlugin(app: FastifyInstance, options: LegacyPluginOptions): Promise<void> {
  const { createContext, timeZone, formWaitLimits, uploadSlots } = options;
  // A form to a row that stores no file is held to the limits of its text throughout.
  const textOnly: FormWaitLimits = { text: formWaitLimits.text };
  const byPath = new Map(options.routes.map((route) => [route.path, withCall(route)]));
  // What a refused form may still take to arrive: a form refused at its file was held to these.
  const restOfBodyLimits = formWaitLimits.upload ?? formWaitLimits.text;

  /**
   * The context the row runs in. A `session` row needs the login fields to name a live token of
   * that very user; an `optional` one is anonymous unless they do. Decided once, here, and handed
   * to the procedure, whose tier then does not look the token up again.
   */
  async function contextFor(req: FastifyRequest, route: LegacyRoute, raw: RawFields): Promise<Context> {
    const names = route.login ?? defaultLoginFields;
    const token = firstPresent(raw, names.token);
    if (route.auth === 'none') return createContext(req, {});
    // No token at all is settled here too, not left to the procedure: the upload row reports its
    // file only after this, and must not explain a refused file to a caller who is not logged in.
    // A logout with a token that is no text (`[token]`) would end nothing: answered res 1, the client
    // would believe its session over while it lives on. Without any token it is already logged out.
    if (typeof token !== 'string') {
      if (route.auth === 'session' || (route.auth === 'token' && token !== undefined)) {
        throw new AppError('UNAUTHENTICATED');
      }
      return createContext(req, {});
    }
    const credentials = { token };
    if (route.auth === 'token') return createContext(req, credentials);
    const user = await authenticate(createContext(req, credentials)).catch((error: unknown) => {
      if (error instanceof AppError && error.appCode === 'UNAUTHENTICATED') return null;
      throw error;
    });
    // The id arrives as a string from localStorage, or as a number.
    if (user && String(firstPresent(raw, names.userId)).trim() === String(user.id)) {
      return createContext(req, credentials, user);
    }
    if (route.auth === 'session') throw new AppError('UNAUTHENTICATED');
    return createContext(req, {});
  }

  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const route = byPath.get(canonicalPath(req.url));
    if (!route) return answerFailure(req, reply, undefined, new AppError('ROUTE_NOT_FOUND'));

    // An upload form's file is received while the form streams, before its login fields may have come.
    let giveBackSlot: (() => void) | undefined;
    const intake =
      'upload' in route
        ? legacyUploadIntake(route.upload, createContext(req, {}), async (fieldsBefore) => {
            // The deployed form sends its login fields before the file: a caller they do not log in
            // is told so now, its file unread, not that it has too many uploads in flight.
            if (route.auth === 'session' && loginGiven(route, fieldsBefore)) {
              await contextFor(req, route, fieldsBefore);
            }
            // A slot before a byte of the file is read, so past the client's cap the file is refused
            // unread; given back once the form has been read. The text fields before the file hold
            // no slot: they are held to 1 MB and to the body's wait limits, as any legacy form's are.
            giveBackSlot = uploadSlots.take(req.ip);
          })
        : undefined;
    let raw: RawFields;
    try {
      raw = await collectFields(req, intake ? formWaitLimits : textOnly, intake?.onFile);
    } catch (error) {
      await intake?.discardAll();
      // A refused file explains the failure best, even when multipart then failed on the same file.
      return answerFailure(req, reply, route, intake?.refusal?.error ?? error, {}, restOfBodyLimits);
    } finally {
      giveBackSlot?.();
    }

    let input: Record<string, unknown> = {};
    try {
      const context = await contextFor(req, route, raw);
      // Only once the login holds is a refused file reported: a /user form without a live login
      // answers 没有登录或状态过期 whatever its file, so the client sends its user to log in (CONTRACT.md §2).
      if (intake?.refusal) throw intake.refusal.error;
      input = decodeFields(route.fields, raw, timeZone);
      const output = await route.call(context, input);
      // Each row's own encoder receives what its own call answered; the table of rows cannot say so in types.
      return reply.send(
        success(route.encode(output as never, { token: context.credentials.token, timeZone })),
      );
    } catch (error) {
      await intake?.discardAll();
      return answerFailure(req, reply, route, error, input, restOfBodyLimits);
    }
  };

  for (const prefix of ['/index/*', '/user/*']) {
    app.route({ method: ['GET', 'POST'], url: prefix, handler: handle });
  }
}

/** A row with the function that runs it: its procedure, or the upload intake's record. */
function withCall(route: LegacyRoute) {
  if ('upload' in route) {
    return {
      ...route,
      call: (context: Context, input: Record<string, unknown>) =>
        acceptUpload(context, route.upload, input.file),
    };
  }
  // The decoded fields go in as they are: the procedure's zod schema is the judge of them.
  const procedure = procedureAt(route.procedure);
  return {
    ...route,
    async call(context: Context, input: Record<string, unknown>): Promise<unknown> {
      return procedure(context, route.prepare ? await route.prepare(input, context) : input);
    },
  };
}

/** Whether the fields carry both login fields, so the login can be settled from them. */
function loginGiven(route: LegacyRoute, raw: RawFields): boolean {
  const names = route.login ?? defaultLoginFields;
  return firstPresent(raw, names.token) !== undefined && firstPresent(raw, names.userId) !== undefined;
}

function firstPresent(raw: RawFields, names: readonly string[]): unknown {
  for (const name of names) {
    const value = raw[name];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

async function answerFailure(
  req: FastifyRequest,
  reply: FastifyReply,
  route: LegacyRoute | undefined,
  error: unknown,
  input: unknown = {},
  restOfBodyLimits?: BodyWaitLimits,
) {
  const { status: decided, err } = legacyFailure(error, route?.fields, input);
  // A refusal decided before the body was all read (an upload refused before its file, a form refused
  // partway): HTTP 200 reaches a browser only once it has sent the whole body, so the rest is read
  // first; an error status is answered at once, and its connection closes rather than read the rest.
  // A body longer than any form a deployed client sends is not read: a body too large (413,
  // CONTRACT.md §2) with the refusal's own message, the one kind of answer a browser shows mid-upload.
  const unreadTooLarge =
    decided < 400 &&
    restOfBodyLimits !== undefined &&
    (await readRestOfBody(req, restOfBodyLimits)) === 'tooLarge';
  const status = unreadTooLarge ? 413 : decided;
  closeIfBodyUnread(req, reply);
  if (status === 500) req.log.error({ err: error, route: route?.path }, 'legacy route failed');
  // The client's fault (a malformed or oversized body): worth a line, not a stack.
  else if (status >= 400 && status < 500 && status !== 404) {
    req.log.info({ status, reason: error instanceof Error ? error.message : String(error) }, 'bad request');
  }
  return reply.code(status).send(failure(err));
}
