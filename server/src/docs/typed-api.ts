import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import type { AppErrorCode } from '../errors.js';
import { implicitErrors, type ProcedureMeta, type ProcedureTier } from '../trpc/init.js';
import { appRouter } from '../trpc/router.js';
import { type JsonSchema, toJsonSchema } from './json-schema.js';

/** One procedure of the typed API, as the docs show it. */
export interface ProcedureDoc {
  /** Dotted path, as the SDK names it: `demands.create` is `api.demands.create`. */
  readonly path: string;
  readonly type: 'query' | 'mutation';
  readonly tier: ProcedureTier;
  /** JSON Schema of the input as sent (defaults make a field optional); undefined when it takes none. */
  readonly input: JsonSchema | undefined;
  /** Whether a call may leave the input out: a query's `input` parameter is then not required. */
  readonly inputOptional: boolean;
  readonly output: JsonSchema;
  /** Every code it can fail with: its tier's, then its own (declared in its meta). */
  readonly errors: readonly AppErrorCode[];
}

interface ProcedureDef {
  readonly type: string;
  readonly meta?: ProcedureMeta;
  readonly inputs: readonly z.ZodType[];
  readonly output?: z.ZodType;
}

/** The codes of a procedure: those of its tier (none about its input when it takes none), then its own. */
function errorsOf(tier: ProcedureTier, meta: ProcedureMeta | undefined, takesInput: boolean): AppErrorCode[] {
  const aboutInput: readonly AppErrorCode[] = ['VALIDATION_FAILED', 'MALFORMED_REQUEST', 'BODY_TOO_LARGE'];
  const ofTier = implicitErrors[tier].filter((code) => takesInput || !aboutInput.includes(code));
  return [...ofTier, ...(meta?.errors ?? [])];
}

/** The input schema of one procedure, for the legacy docs (which field feeds what). */
export function procedureInput(path: string): z.ZodType | undefined {
  return procedureDefs()[path]?.inputs[0];
}

export function procedureOutput(path: string): z.ZodType | undefined {
  return procedureDefs()[path]?.output;
}

/**
 * Every procedure's definition by dotted path, walked from the router's nested record (its
 * `procedures` map is flat at run time but typed as the nested record).
 */
function procedureDefs(): Record<string, ProcedureDef> {
  const defs: Record<string, ProcedureDef> = {};
  const walk = (record: TRPCRouterRecord, prefix: string) => {
    for (const [key, node] of Object.entries(record)) {
      if (typeof node !== 'function') {
        walk(node, `${prefix}${key}.`);
        continue;
      }
      const def = node._def;
      const output = 'output' in def ? def.output : undefined;
      defs[`${prefix}${key}`] = {
        type: def.type,
        meta: def.meta as ProcedureMeta | undefined,
        inputs: def.inputs.map(asZod),
        ...(output === undefined ? {} : { output: asZod(output) }),
      };
    }
  };
  walk(appRouter._def.record, '');
  return defs;
}

/** Every procedure of this router validates with zod; anything else is a mistake the docs refuse. */
function asZod(parser: unknown): z.ZodType {
  if (parser instanceof z.ZodType) return parser;
  throw new Error('a procedure validates with something other than zod');
}

/** Every procedure of the app router, walked from the router itself, so none can go undocumented. */
export function describeProcedures(): ProcedureDoc[] {
  return Object.entries(procedureDefs()).map(([path, def]) => {
    if (def.type !== 'query' && def.type !== 'mutation')
      throw new Error(`${path}: ${def.type} is not documented`);
    const tier = def.meta?.tier;
    if (!tier) throw new Error(`${path} is not built from a procedure tier`);
    const [input] = def.inputs;
    return {
      path,
      type: def.type,
      tier,
      input: input ? toJsonSchema(input, 'input') : undefined,
      // Asked of the schema itself: an object of optional fields is still required as a whole.
      inputOptional: input === undefined || input.safeParse(undefined).success,
      output: def.output ? toJsonSchema(def.output, 'output') : {},
      errors: errorsOf(tier, def.meta, input !== undefined),
    };
  });
}
