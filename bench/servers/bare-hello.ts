import Fastify from 'fastify';
import { serveParent } from './ipc.js';

/** B1: bare Fastify answering a constant; the ceiling of what this machine serves. */
const app = Fastify();
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
serveParent((app.server.address() as { port: number }).port, () => app.close());
