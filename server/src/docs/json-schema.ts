import { z } from 'zod';

/** A JSON Schema (draft 2020-12, which OpenAPI 3.1 uses) as plain data. */
export type JsonSchema = { [key: string]: unknown };

const safeIntegerBound = Number.MAX_SAFE_INTEGER;

/**
 * A zod schema as JSON Schema, the way it travels: dates as ISO strings (superjson restores them
 * as `Date` in the SDK), `void` as nothing. `io` picks the input side (defaults make fields
 * optional) or the output side.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: (ctx) => {
      const type = (ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def.type;
      if (type === 'date') {
        ctx.jsonSchema.type = 'string';
        ctx.jsonSchema.format = 'date-time';
      } else if (type === 'void' || type === 'undefined') {
        ctx.jsonSchema.type = 'null';
        ctx.jsonSchema.description = 'No value';
      }
    },
  }) as JsonSchema;
  delete converted.$schema;
  return withoutSafeIntegerBounds(converted) as JsonSchema;
}

/** `z.number().int()` says "a safe integer" through ±2^53 bounds; that is noise for a reader. */
function withoutSafeIntegerBounds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSafeIntegerBounds);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [key, inner] of Object.entries(value)) {
    if (
      (key === 'minimum' && inner === -safeIntegerBound) ||
      (key === 'maximum' && inner === safeIntegerBound)
    )
      continue;
    out[key] = withoutSafeIntegerBounds(inner);
  }
  return out;
}

/**
 * A plausible value of a JSON Schema, for examples: dates become `Date`s (so a legacy codec can
 * format them), nullable values take their non-null side, arrays hold one item. `hint` picks a
 * realistic value by property name.
 */
export function sampleOf(
  schema: JsonSchema,
  hint: (key: string, schema: JsonSchema) => unknown,
  key = '',
): unknown {
  const hinted = key ? hint(key, schema) : undefined;
  if (hinted !== undefined && fits(hinted, schema)) return hinted;
  if ('default' in schema && schema.default !== '') return schema.default;
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options) {
    const chosen = options.find((option) => option.type !== 'null') ?? options[0];
    return chosen ? sampleOf(chosen, hint, key) : null;
  }
  // zod writes a nullable primitive as `type: [T, 'null']`.
  if (Array.isArray(schema.type)) {
    return sampleOf({ ...schema, type: schema.type.find((type) => type !== 'null') }, hint, key);
  }
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ('const' in schema) return schema.const;
  switch (schema.type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      return Object.fromEntries(
        Object.entries(properties).map(([name, property]) => [name, sampleOf(property, hint, name)]),
      );
    }
    case 'array':
      return [sampleOf((schema.items ?? {}) as JsonSchema, hint, key.replace(/s$/, ''))];
    case 'string':
      return schema.format === 'date-time' ? exampleDate : 'text';
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' && schema.minimum > 1 ? schema.minimum : 1;
    case 'boolean':
      return false;
    case 'null':
      return undefined;
    default:
      return undefined;
  }
}

/** Whether a value is of the schema's type, so a hint by name never lands on a namesake of another type. */
function fits(value: unknown, schema: JsonSchema): boolean {
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options) return options.some((option) => fits(value, option));
  switch (schema.type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string' && (!Array.isArray(schema.enum) || schema.enum.includes(value));
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    default:
      return true;
  }
}

/** The instant examples use: 2026-12-01 09:30 in Beijing. */
const exampleDate = new Date('2026-12-01T09:30:00+08:00');

/** A JSON Schema describing a JSON value as it is (types only), for example-derived output schemas. */
export function schemaOfValue(value: unknown): JsonSchema {
  if (value === null) return { type: 'null' };
  if (Array.isArray(value)) return { type: 'array', items: value.length ? schemaOfValue(value[0]) : {} };
  switch (typeof value) {
    case 'string':
      return { type: 'string' };
    case 'number':
      return { type: Number.isInteger(value) ? 'integer' : 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'object':
      return {
        type: 'object',
        properties: Object.fromEntries(
          Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, schemaOfValue(v)]),
        ),
      };
    default:
      return {};
  }
}
