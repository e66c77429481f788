import { connect } from 'node:net';
import { type Cluster, type Redis, ReplyError } from 'ioredis';
import { describeRedisTarget, type RedisTarget } from './redis-target.js';

/**
 * Server answers that waiting will not change (a wrong password, a database index the server does
 * not have, a cluster URL aimed at a server without cluster support). Their opposite: a server
 * still loading its data or a cluster still electing, which heal by themselves.
 */
const transientReplies = /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN)\b/;

/** What ioredis reports of a failed connection, cluster or not: the node's own error when it says more. */
function reasonOf(error: unknown): Error {
  const last = (error as { lastNodeError?: unknown }).lastNodeError;
  return last instanceof Error ? last : (error as Error);
}

/**
 * Resolves once the client is ready; rejects as soon as the server refuses for good, or after
 * `timeoutMs`, saying where it tried and why it failed (`connect ECONNREFUSED 10.0.0.5:6379`), so a
 * service that cannot start says what to fix. Messages never carry the URL's password.
 */
export async function waitUntilReady(
  client: Redis | Cluster,
  target: RedisTarget,
  timeoutMs: number,
): Promise<void> {
  if (client.status === 'ready') return;
  const where = describeRedisTarget(target);
  let lastReason: string | undefined;
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
      client.off('node error', onError);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const onError = (error: unknown) => {
      const reason = reasonOf(error);
      lastReason = withoutPassword(reason.message, target);
      // ioredis reports a refused SELECT and then turns ready on database 0: never carry on after one.
      if (reason instanceof ReplyError && !transientReplies.test(reason.message)) {
        done(new Error(`${where} refused the connection: ${lastReason}`));
      }
    };
    const timer = setTimeout(async () => {
      client.off('ready', onReady);
      const reason = await explainTimeout(target, lastReason, timeoutMs);
      done(new Error(`${where} not ready within ${timeoutMs} ms: ${reason}`));
    }, timeoutMs);
    client.once('ready', onReady);
    client.on('error', onError);
    client.on('node error', onError);
  });
}

/**
 * A cluster client hides why it could not reach a node ("Connection is closed."); a plain TCP
 * connection to each named node says it (refused, unknown host, no answer).
 */
async function explainTimeout(target: RedisTarget, lastReason: string | undefined, timeoutMs: number) {
  const informative =
    lastReason && !/^(Connection is closed\.|Failed to refresh slots cache\.)$/.test(lastReason);
  if (informative) return lastReason;
  if (target.kind === 'single') return lastReason ?? 'no answer';
  const probes = await Promise.all(
    target.nodes.map(async (node) => `${node.host}:${node.port} ${await tcpProbe(node, timeoutMs)}`),
  );
  return probes.join('; ');
}

function tcpProbe(node: { host: string; port: number }, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: node.host, port: node.port, timeout: Math.min(timeoutMs, 2000) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('accepts connections but did not answer as a cluster node');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('did not accept a connection in time');
    });
    socket.once('error', (error) => resolve(error.message));
  });
}

/** Server messages do not repeat a password, but one could appear in a host-name error: be sure. */
function withoutPassword(message: string, target: RedisTarget): string {
  const password = target.kind === 'cluster' ? target.password : new URL(target.url).password;
  if (!password) return message;
  let decoded = password;
  try {
    decoded = decodeURIComponent(password);
  } catch {
    // a stray % in the password: the text as written is what could show
  }
  return [password, decoded].reduce((text, secret) => text.split(secret).join('***'), message);
}

/** Node keys as ioredis keeps them in `Cluster#slots`: `host:port`. */
const keyOf = (node: Redis) => `${node.options.host}:${node.options.port}`;

/** The master of each slot, as the client's slot map has them; throws when a slot has none. */
function slotOwners(cluster: Cluster): Set<string> {
  const owners = new Set<string>();
  for (let slot = 0; slot < 16384; slot++) {
    const owner = cluster.slots[slot]?.[0];
    if (!owner) throw new Error(`slot ${slot} has no master`);
    owners.add(owner);
  }
  return owners;
}

/**
 * Whether a Redis Cluster can serve every key right now: each of the 16384 slots has a master in
 * the client's slot map, and that master answers and says the cluster is ok. A PING through the
 * cluster client reaches one node at random: with one master gone, it still answered while every
 * key of that master's slots failed, and once the cluster marks itself failed (after
 * `cluster-node-timeout`), the masters left still answer PING while refusing every key
 * (CLUSTERDOWN).
 */
export async function checkClusterServesEverySlot(cluster: Cluster): Promise<void> {
  if (cluster.status !== 'ready') throw new Error(`cluster client is ${cluster.status}`);
  let owners = slotOwners(cluster);
  let connected = new Map(cluster.nodes('master').map((node) => [keyOf(node), node]));
  if ([...owners].some((owner) => !connected.has(owner))) {
    // ioredis drops the connection of a node that went away and asks for the slot map again only
    // when a command meets MOVED: an instance out of its balancer's rotation gets no such command,
    // so without this it would stay unready after the node is back. A failover shows here too.
    await new Promise<void>((resolve, reject) =>
      cluster.refreshSlotsCache((error) => (error ? reject(error) : resolve())),
    );
    owners = slotOwners(cluster);
    connected = new Map(cluster.nodes('master').map((node) => [keyOf(node), node]));
  }
  await Promise.all(
    [...owners].map(async (owner) => {
      const node = connected.get(owner);
      if (!node) throw new Error(`master ${owner} is not connected`);
      const info = await node.cluster('INFO');
      if (!/^cluster_state:ok\b/m.test(String(info)))
        throw new Error(`master ${owner}: cluster state not ok`);
    }),
  );
}
