import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSmsSender } from '../../server/src/sms/sms-sender.js';

describe('webhook SMS provider', () => {
  let server: Server;
  let url: string;
  const received: Array<{ body: unknown; contentType: string | undefined }> = [];
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
        received.push({ body: JSON.parse(body), contentType: req.headers['content-type'] });
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

  it('fails when the gateway answers an error', async () => {
    status = 500;
    await expect(
      new WebhookSmsSender(url, pino({ level: 'silent' })).send({
        phone: '13800138000',
        code: '1',
        text: 't',
      }),
    ).rejects.toThrow(/500/);
  });
});
