import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmsNotSent, WebhookSmsSender } from '../../server/src/sms/sms-sender.js';

describe('webhook SMS provider', () => {
  let server: Server;
  let url: string;
  const received: Array<{ body: unknown; contentType: string | undefined; authorization?: string }> = [];
  let status = 200;
  let connections = 0;
  // Larger than what arrives with the answer's head: an answer of a few bytes is taken whole with
  // it, so only a longer one (a receipt list, an HTML error page) shows whether the body is read.
  const answer = JSON.stringify({ ok: true, receipt: 'x'.repeat(256 * 1024) });

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const { authorization } = req.headers;
        received.push({
          body: JSON.parse(body),
          contentType: req.headers['content-type'],
          ...(authorization && { authorization }),
        });
        res.writeHead(status, { 'content-type': 'application/json' }).end(answer);
      });
    });
    server.on('connection', () => {
      connections++;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('POSTs {phone, code, text} as JSON', async () => {
    await new WebhookSmsSender(url, pino({ level: 'silent' })).send({
      phone: '13800138000',
      code: '123456',
      text: 'hi 123456',
    });
    expect(received.at(-1)).toEqual({
      body: { phone: '13800138000', code: '123456', text: 'hi 123456' },
      contentType: 'application/json',
    });
  });

  it('reads each answer, so one kept-alive connection carries message after message', async () => {
    const sender = new WebhookSmsSender(url, pino({ level: 'silent' }));
    const before = connections;
    for (const code of ['1', '2', '3']) await sender.send({ phone: '13800138000', code, text: code });
    expect(connections - before).toBe(1);
  });

  it("sends a URL's user and password as Basic authorization, never in a logged error", async () => {
    const lines: string[] = [];
    const log = pino({ level: 'trace' }, { write: (line: string) => lines.push(line) });
    const withCredentials = url.replace('http://', 'http://gw%40user:p%3Ass@');
    await new WebhookSmsSender(withCredentials, log).send(message);
    expect(received.at(-1)).toMatchObject({
      body: message,
      authorization: `Basic ${Buffer.from('gw@user:p:ss').toString('base64')}`,
    });
    expect(lines.join('')).not.toContain('p%3Ass');
  });

  it('fails, certain the message was not sent, when the gateway answers an error', async () => {
    status = 500;
    const sending = new WebhookSmsSender(url, pino({ level: 'silent' })).send(message);
    await expect(sending).rejects.toThrow(/500/);
    await expect(sending).rejects.toBeInstanceOf(SmsNotSent);
  });
});

const message = { phone: '13800138000', code: '123456', text: 'hi 123456' };

/** A gateway on a port of its own that answers each request as `answer` does. */
async function gateway(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
  const close = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, close };
}

describe('webhook SMS provider: whether a failed message went out', () => {
  it('is certain it did not when no gateway listens', async () => {
    const { url, close } = await gateway(() => {});
    await close();
    await expect(new WebhookSmsSender(url, pino({ level: 'silent' })).send(message)).rejects.toBeInstanceOf(
      SmsNotSent,
    );
  });

  it('does not know when the gateway took the message and did not answer in time', async () => {
    const { url, close } = await gateway(() => {});
    try {
      const sending = new WebhookSmsSender(url, pino({ level: 'silent' }), 200).send(message);
      await expect(sending).rejects.toThrow();
      await expect(sending).rejects.not.toBeInstanceOf(SmsNotSent);
    } finally {
      await close();
    }
  });

  it('counts the message sent once the gateway said 2xx, even if the rest of its answer is cut', async () => {
    const { url, close } = await gateway((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('{"ok":');
        setTimeout(() => res.destroy(), 20);
      });
    });
    try {
      await expect(
        new WebhookSmsSender(url, pino({ level: 'silent' })).send(message),
      ).resolves.toBeUndefined();
    } finally {
      await close();
    }
  });
});
