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
