import type { LegacyFields } from '../legacy/codecs/values.js';
import { type AnyLegacyRoute, type LegacyRequest, sessionFields } from '../legacy/route.js';
import type { AppCaller } from '../trpc/router.js';

/** What a legacy row does, found by running its functions on probes instead of reading its source. */
export interface RouteProbe {
  /** The procedure its `call` reaches (`demands.create`), or undefined for rows outside tRPC. */
  readonly procedure: string | undefined;
  /** Every legacy field name its decoder and credentials read, aliases included. */
  readonly fields: readonly string[];
  /** Legacy field → the top-level key of the procedure input its value lands in. */
  readonly typedField: Readonly<Record<string, string>>;
}

const probeRequest: LegacyRequest = { credentials: {}, timeZone: 'Asia/Shanghai' };

/** A value no codec converts (not a number, a date, a list or JSON), so it shows where it lands. */
const marker = (field: string) => `⟪${field}⟫`;

function attempt<T>(work: () => T): T | undefined {
  try {
    const result = work();
    // A call that fails later (an upload without a context) must not surface as an unhandled rejection.
    if (result instanceof Promise) result.catch(() => undefined);
    return result;
  } catch {
    return undefined;
  }
}

/** Fields whose reads are recorded; `present` answers a marker for every name, else nothing. */
function recordingFields(read: Set<string>, present: boolean): LegacyFields {
  return new Proxy({} as LegacyFields, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      read.add(name);
      return present ? marker(name) : undefined;
    },
  });
}

function readCredentials(route: AnyLegacyRoute, fields: LegacyFields) {
  if (route.credentials) return route.credentials(fields);
  // The plugin's default for `/user/...` rows (legacy/plugin.ts).
  return route.path.startsWith('/user/') ? sessionFields(fields) : {};
}

/** Where markers landed in the decoded input, by top-level key. */
function locateMarkers(decoded: unknown): Record<string, string> {
  const found: Record<string, string> = {};
  const visit = (value: unknown, key: string) => {
    if (typeof value === 'string') {
      const match = /^⟪(.+)⟫$/.exec(value);
      if (match?.[1] && !(match[1] in found)) found[match[1]] = key;
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, key);
    } else if (value && typeof value === 'object' && !(value instanceof Date)) {
      for (const inner of Object.values(value)) visit(inner, key);
    }
  };
  if (decoded && typeof decoded === 'object' && !Array.isArray(decoded)) {
    for (const [key, value] of Object.entries(decoded)) visit(value, key);
  }
  return found;
}

/** The procedure a row's `call` reaches, through a caller that only records the path it is asked for. */
function procedureOf(route: AnyLegacyRoute): string | undefined {
  const reached: string[] = [];
  const caller = (path: readonly string[]): unknown =>
    new Proxy(() => undefined, {
      get: (_target, key) => (typeof key === 'string' && key !== 'then' ? caller([...path, key]) : undefined),
      apply: () => {
        reached.push(path.join('.'));
        return Promise.resolve(undefined);
      },
    });
  const noContext = new Proxy(
    {},
    {
      get() {
        throw new Error('a row documented without a request has no context');
      },
    },
  );
  attempt(() => route.call(caller([]) as AppCaller, undefined, noContext as never));
  return reached[0];
}

export function probeRoute(route: AnyLegacyRoute): RouteProbe {
  const read = new Set<string>();
  // Absent fields reveal the aliases a decoder falls back to; present ones where each value goes.
  const absent = recordingFields(read, false);
  attempt(() => route.decode(absent, probeRequest));
  attempt(() => readCredentials(route, absent));
  const present = recordingFields(read, true);
  const decoded = attempt(() => route.decode(present, probeRequest));
  attempt(() => readCredentials(route, present));
  return { procedure: procedureOf(route), fields: [...read], typedField: locateMarkers(decoded) };
}
