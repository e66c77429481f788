import autocannon from 'autocannon';
import type { ServerProcess } from './processes.js';

/** One request of a variant, as autocannon sends it (prebuilt once, cycled through per connection). */
export interface BenchRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface Measurement {
  readonly requests: number;
  readonly rps: number;
  /** Milliseconds, from every response's own timing (autocannon's histogram rounds to whole ms). */
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  /** The server process's CPU time (user + system) per completed request, in microseconds. */
  readonly cpuMicrosPerRequest: number;
}

export interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
  /** Requests per second over all connections; unset means as fast as the server answers. */
  readonly rate?: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Drives one server with autocannon (as a library) and reads the server's CPU around the run. */
export async function measure(
  server: ServerProcess,
  requests: readonly BenchRequest[],
  options: LoadOptions,
): Promise<Measurement> {
  const latencies: number[] = [];
  const before = await server.usage();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.url,
        connections: options.connections,
        duration: options.seconds,
        requests: requests.map((r) => ({ ...r })),
        ...(options.rate ? { overallRate: options.rate } : {}),
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
      latencies.push(responseTime);
    });
  });
  const after = await server.usage();
  latencies.sort((a, b) => a - b);
  const completed = latencies.length;
  return {
    requests: completed,
    rps: completed / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: result.errors,
    non2xx: result.non2xx,
    cpuMicrosPerRequest: completed ? (after.cpuMicros - before.cpuMicros) / completed : Number.NaN,
  };
}

/** Sends each distinct request once and hands back the parsed bodies, to check them before measuring. */
export async function probe(server: ServerProcess, requests: readonly BenchRequest[]): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (const request of requests) {
    const response = await fetch(`${server.url}${request.path}`, {
      method: request.method,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`${request.path}: HTTP ${response.status} ${text.slice(0, 200)}`);
    bodies.push(JSON.parse(text));
  }
  return bodies;
}
