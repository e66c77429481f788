import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * The child side of a bench server: tells the parent its port, answers CPU and memory questions
 * over the IPC channel (so CPU per request is the server's own `process.cpuUsage()`), samples peak
 * RSS on request, and records a V8 CPU profile between two messages (what `--cpu-prof` records,
 * but for one variant at a time).
 */
export type ToServer =
  | { type: 'usage'; id: number }
  | { type: 'rss-watch'; id: number }
  | { type: 'rss-peak'; id: number }
  | { type: 'profile-start'; id: number }
  | { type: 'profile-stop'; id: number; file: string }
  | { type: 'stop' };

export interface Usage {
  readonly cpuMicros: number;
  readonly rss: number;
}

export function serveParent(port: number, close: () => Promise<void>): void {
  const send = (message: object) => process.send?.(message);
  let peak = 0;
  let watcher: NodeJS.Timeout | undefined;
  let profiler: Session | undefined;
  process.on('message', async (message: ToServer) => {
    switch (message.type) {
      case 'usage': {
        const cpu = process.cpuUsage();
        send({ id: message.id, cpuMicros: cpu.user + cpu.system, rss: process.memoryUsage.rss() });
        break;
      }
      case 'rss-watch':
        peak = process.memoryUsage.rss();
        clearInterval(watcher);
        watcher = setInterval(() => {
          peak = Math.max(peak, process.memoryUsage.rss());
        }, 5);
        send({ id: message.id, rss: peak });
        break;
      case 'rss-peak':
        clearInterval(watcher);
        send({ id: message.id, rss: Math.max(peak, process.memoryUsage.rss()) });
        break;
      case 'profile-start':
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
        await profiler.post('Profiler.start');
        send({ id: message.id });
        break;
      case 'profile-stop': {
        const result = await profiler?.post('Profiler.stop');
        if (result) writeFileSync(message.file, JSON.stringify(result.profile));
        profiler?.disconnect();
        profiler = undefined;
        send({ id: message.id });
        break;
      }
      case 'stop':
        clearInterval(watcher);
        await close().catch(() => {});
        process.exit(0);
    }
  });
  // The parent going away (even killed) takes the server with it.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port });
}
