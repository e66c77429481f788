import net from 'node:net';

/**
 * One client connection through the proxy. While held (a partition), bytes in either direction
 * are kept, as TCP would keep retransmitting them, and delivered in order once released.
 */
class Link {
  private upstream: net.Socket | undefined;
  private readonly toUpstream: Buffer[] = [];
  private readonly toClient: Buffer[] = [];
  private held: boolean;

  constructor(
    private readonly client: net.Socket,
    private readonly target: { host: string; port: number },
    held: boolean,
    private readonly onClose: (link: Link) => void,
  ) {
    this.held = held;
    client.on('data', (chunk) => {
      if (this.held || !this.upstream) this.toUpstream.push(chunk);
      else this.upstream.write(chunk);
    });
    client.on('error', () => this.destroy());
    client.on('close', () => this.destroy());
    // A connection accepted during a partition reaches the server only when the partition ends.
    if (!held) this.connectUpstream();
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    if (!this.upstream) this.connectUpstream();
    const upstream = this.upstream as net.Socket;
    for (const chunk of this.toUpstream.splice(0)) upstream.write(chunk);
    for (const chunk of this.toClient.splice(0)) this.client.write(chunk);
  }

  destroy(): void {
    this.client.destroy();
    this.upstream?.destroy();
    this.onClose(this);
  }

  private connectUpstream(): void {
    const upstream = net.connect(this.target.port, this.target.host);
    this.upstream = upstream;
    upstream.on('data', (chunk) => {
      if (this.held) this.toClient.push(chunk);
      else this.client.write(chunk);
    });
    upstream.on('error', () => this.destroy());
    upstream.on('close', () => this.destroy());
    for (const chunk of this.toUpstream.splice(0)) upstream.write(chunk);
  }
}

/**
 * A TCP relay in front of a real server, which a test can cut and restore to play an outage
 * without stopping the server other tests share: `stop` is a crashed server (connections refused
 * and cut), `blackhole` a network partition (connections accepted, nothing delivered either way).
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly links = new Set<Link>();
  private blackholed = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    const target = { host: this.targetHost, port: this.targetPort };
    const server = net.createServer((client) => {
      this.links.add(new Link(client, target, this.blackholed, (link) => this.links.delete(link)));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** A partition: open connections and new ones stay up, but no byte gets through until `heal`. */
  blackhole(): void {
    this.blackholed = true;
    for (const link of this.links) link.hold();
  }

  /** Ends the partition: what was held is delivered, and traffic flows again. */
  heal(): void {
    this.blackholed = false;
    for (const link of this.links) link.release();
  }

  /** Refuses new connections and cuts the open ones, like a crashed server. */
  async stop(): Promise<void> {
    this.blackholed = false;
    for (const link of [...this.links]) link.destroy();
    this.links.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
