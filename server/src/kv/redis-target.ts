/**
 * What a Redis URL names: one server (`redis://`, `rediss://`, handed to ioredis as is) or a Redis
 * Cluster given by some of its nodes (`redis-cluster://[user:password@]host:port,host:port,...`,
 * `rediss-cluster://` for TLS). ioredis finds the rest of the cluster from any node that answers,
 * so naming every master is not required, but naming several survives one being down at boot.
 */
export type RedisTarget =
  | { readonly kind: 'single'; readonly url: string }
  | {
      readonly kind: 'cluster';
      readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>;
      readonly username: string | undefined;
      readonly password: string | undefined;
      readonly tls: boolean;
    };

const clusterScheme = /^(rediss?)-cluster:\/\//;

export function parseRedisTarget(url: string): RedisTarget {
  const scheme = url.match(clusterScheme);
  if (!scheme) {
    if (!/^rediss?:\/\//.test(url))
      throw new Error('must start with redis://, rediss:// or redis-cluster://');
    checkSingleUrl(url);
    return { kind: 'single', url };
  }
  let rest = url.slice(scheme[0].length).replace(/\/+$/, '');
  let username: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const credentials = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = credentials.indexOf(':');
    username = decodeURIComponent(colon >= 0 ? credentials.slice(0, colon) : credentials) || undefined;
    password = colon >= 0 ? decodeURIComponent(credentials.slice(colon + 1)) : undefined;
  }
  const nodes = rest.split(',').map((entry) => parseNode(entry.trim()));
  if (nodes.length === 0) throw new Error('names no cluster node');
  return { kind: 'cluster', nodes, username, password, tls: scheme[1] === 'rediss' };
}

/**
 * What ioredis would otherwise take silently: no host (it connects to 127.0.0.1), a database that
 * is no number (its SELECT fails and the connection stays on database 0, shared with whatever else
 * uses it). Messages never repeat the URL, which may hold a password.
 */
function checkSingleUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('is not a valid URL (a bad port, or an unescaped @ # / in the password?)');
  }
  if (!parsed.hostname) throw new Error('names no host (redis://host:6379/0)');
  if (parsed.port === '0') throw new Error('names port 0');
  const database = parsed.pathname.replace(/^\//, '');
  if (database !== '' && !/^\d{1,5}$/.test(database)) {
    throw new Error('has a database that is not a number (redis://host:6379/0)');
  }
}

/** Where a target points, for messages: hosts, ports and database, never credentials. */
export function describeRedisTarget(target: RedisTarget): string {
  if (target.kind === 'cluster') {
    return `Redis Cluster ${target.nodes.map((node) => `${node.host}:${node.port}`).join(',')}`;
  }
  const url = new URL(target.url);
  return `Redis ${url.hostname}:${url.port || 6379}/${url.pathname.replace(/^\//, '') || 0}`;
}

/** `host:port` or `[ipv6]:port`. A database number has no meaning in a cluster, so none is taken. */
function parseNode(entry: string): { host: string; port: number } {
  const match = entry.match(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/);
  const port = Number(match?.[2]);
  if (!match?.[1] || !(port > 0 && port < 65536)) {
    throw new Error(`cluster node ${JSON.stringify(entry)} is not host:port`);
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
}

/** The `redis-cluster://` URL of a bare node list (`REDIS_CLUSTER_NODES=host:port,host:port`). */
export function clusterUrlOfNodes(nodes: string): string {
  const url = `redis-cluster://${nodes
    .split(',')
    .map((node) => node.trim())
    .filter(Boolean)
    .join(',')}`;
  parseRedisTarget(url);
  return url;
}
