import { benchPassword, ownerCount, phoneOf } from '../data.js';
import { type BenchRequest, type Measurement, measure, percentile } from '../load.js';
import type { ServerProcess } from '../processes.js';

export interface LoginContention {
  readonly listRate: number;
  readonly idle: Measurement;
  readonly busy: Measurement;
  readonly loginsPerSecond: number;
  readonly loginP50: number;
  readonly loginP99: number;
  readonly loginFailures: number;
}

/**
 * The authenticated list at a fixed rate, once alone and once while 30 password logins per second
 * (argon2id) run against the same server: how much the hashing disturbs everyone else's p99.
 */
export async function loginContention(
  service: ServerProcess,
  listRequests: readonly BenchRequest[],
  options: { listRate: number; seconds: number; users: number; loginsPerSecond?: number },
): Promise<LoginContention> {
  const loginsPerSecond = options.loginsPerSecond ?? 30;
  const load = { connections: 10, seconds: options.seconds, rate: options.listRate };
  await measure(service, listRequests, { ...load, seconds: 2 });
  const idle = await measure(service, listRequests, load);

  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const inFlight = new Set<Promise<void>>();
  const login = async () => {
    // Members (not the owners whose lists are read) log in, round-robin.
    const userId = ownerCount + 1 + (next++ % (options.users - ownerCount));
    const started = performance.now();
    try {
      const response = await fetch(`${service.url}/index/api/loginpassword`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone: phoneOf(userId), password: benchPassword }),
      });
      const body = (await response.json()) as { res: number };
      if (body.res !== 1) failures++;
    } catch {
      failures++;
    }
    latencies.push(performance.now() - started);
  };
  const started = performance.now();
  const timer = setInterval(() => {
    const call = login().finally(() => inFlight.delete(call));
    inFlight.add(call);
  }, 1000 / loginsPerSecond);
  // Let the logins reach their steady rate before the list is measured beside them.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const busy = await measure(service, listRequests, load);
  clearInterval(timer);
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(inFlight);
  latencies.sort((a, b) => a - b);
  return {
    listRate: options.listRate,
    idle,
    busy,
    loginsPerSecond: latencies.length / elapsed,
    loginP50: percentile(latencies, 50),
    loginP99: percentile(latencies, 99),
    loginFailures: failures,
  };
}
