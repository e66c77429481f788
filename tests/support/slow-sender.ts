import { connect, type Socket } from 'node:net';

/** The answer a raw client read off its socket. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/**
 * A client that writes one request over a socket of its own, piece by piece and at its own pace:
 * a phone on a bad network, or a sender stalling on purpose. It never sends more than it is told
 * to, so a test can stop in the middle of a file part and keep the connection open.
 */
export class SlowSender {
  private received = Buffer.alloc(0);
  private serverClosed = false;
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.notify();
    });
    socket.on('end', () => {
      this.serverClosed = true;
      this.notify();
    });
    socket.on('close', () => this.notify());
    // A reset by the server shows as no answer; the test says what it expected instead. It is the
    // server closing the connection all the same: Linux resets, rather than ends, a socket closed
    // with bytes of ours still unread, which a sender trickling on sends at any moment (2 closes in
    // 120 in a probe), and a write of ours after the close fails with EPIPE.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') this.serverClosed = true;
      this.notify();
    });
  }

  /** Connects to the service at `baseUrl` (http://host:port). */
  static open(baseUrl: string): Promise<SlowSender> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new SlowSender(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes the request line and headers of a POST (or `method`) whose body is `length` bytes. */
  postHead(path: string, headers: Readonly<Record<string, string>>, length: number, method = 'POST'): void {
    const lines = Object.entries({ host: 'localhost', ...headers, 'content-length': String(length) });
    this.socket.write(
      `${method} ${path} HTTP/1.1\r\n${lines.map(([name, value]) => `${name}: ${value}`).join('\r\n')}\r\n\r\n`,
    );
  }

  /** Writes bytes; settles once the kernel took them (the server may still not have read them). */
  send(bytes: Buffer): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.write(bytes, (error) => (error ? reject(error) : resolve())),
    );
  }

  /** Sends `bytes` in `pieces` pieces, `everyMs` apart: a slow sender that never quite stops. */
  async trickle(bytes: Buffer, pieces: number, everyMs: number): Promise<void> {
    const size = Math.ceil(bytes.length / pieces);
    for (let offset = 0; offset < bytes.length && !this.socket.destroyed; offset += size) {
      await this.send(bytes.subarray(offset, offset + size));
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }

  /** The answer, once it is complete; fails when none came within `withinMs`. */
  async answer(withinMs: number): Promise<RawAnswer> {
    const outcome = await this.settles(withinMs, (): { parsed: RawAnswer } | { closed: true } | undefined => {
      const parsed = parseAnswer(this.received);
      if (parsed) return { parsed };
      if (this.socket.destroyed) return { closed: true };
      return undefined;
    });
    if (outcome === undefined) throw new Error(`no answer within ${withinMs} ms`);
    if ('parsed' in outcome) return outcome.parsed;
    throw new Error(`the connection closed without a whole answer (${this.received.length} bytes)`);
  }

  /** Whether the server ended or reset the connection (after answering, or without a word). */
  async closedByServer(withinMs: number): Promise<boolean> {
    return (await this.settles(withinMs, () => (this.serverClosed ? true : undefined))) ?? false;
  }

  /**
   * What `check` finds, as soon as it finds something (checked now and whenever the socket moves),
   * or undefined after `withinMs`.
   */
  private settles<T>(withinMs: number, check: () => T | undefined): Promise<T | undefined> {
    return new Promise((resolve) => {
      const listener = () => {
        const found = check();
        if (found !== undefined) finish(found);
      };
      const timer = setTimeout(() => finish(undefined), withinMs);
      const finish = (found: T | undefined) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(found);
      };
      this.listeners.add(listener);
      listener();
    });
  }

  destroy(): void {
    this.socket.destroy();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** A whole HTTP/1.1 answer with a Content-Length (what Fastify sends for JSON), or undefined. */
function parseAnswer(received: Buffer): RawAnswer | undefined {
  const end = received.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...headerLines] = received.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = received.subarray(end + 4);
  if (body.length < length) return undefined;
  const text = body.subarray(0, length).toString('utf8');
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: headers['content-type']?.startsWith('application/json') ? JSON.parse(text) : text,
  };
}
