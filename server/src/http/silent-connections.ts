import type { Server } from 'node:http';

/**
 * Closes each connection that has sent nothing `ms` after it was accepted. Node bounds a request's
 * headers and an idle keep-alive connection, but not a connection that never sends a byte: a probe
 * held 20,000 of them open for minutes, until the instance had no file descriptor left and refused
 * everyone. A timer per connection, not per request; a connection that has sent anything is left
 * to the limits on its headers and body.
 */
export function closeSilentConnections(server: Server, ms: number): void {
  server.on('connection', (socket) => {
    const timer = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, ms);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
}
