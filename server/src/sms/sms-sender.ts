import type { Logger } from 'pino';
import type { Config } from '../config.js';

export interface SmsMessage {
  readonly phone: string;
  readonly code: string;
  readonly text: string;
}

/**
 * A sender fails with `SmsNotSent` when the message certainly did not go out (the gateway refused
 * it, or could not be reached); any other failure leaves it unknown whether the phone gets it.
 */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/** The message certainly did not reach the gateway's hands: the phone will not get it. */
export class SmsNotSent extends Error {
  override readonly name = 'SmsNotSent';
}

/**
 * Development stand-in: prints the message it would send to standard output, outside the
 * structured log. Config refuses it under NODE_ENV=production.
 */
export class ConsoleSmsSender implements SmsSender {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(line)) {}

  async send(message: SmsMessage): Promise<void> {
    this.write(`[sms:console] to ${message.phone}: ${message.text}\n`);
  }
}

/**
 * POSTs `{phone, code, text}` as JSON to the configured gateway. A non-2xx answer, or a gateway that
 * cannot be connected to, is `SmsNotSent`; no answer in time leaves the message's fate unknown (a
 * slow gateway usually sends it all the same).
 */
export class WebhookSmsSender implements SmsSender {
  private readonly url: string;
  private readonly headers: Record<string, string>;

  constructor(
    url: string,
    private readonly log: Logger,
    private readonly timeoutMs = 5000,
  ) {
    ({ url: this.url, headers: this.headers } = withBasicAuth(url));
  }

  async send(message: SmsMessage): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((error: unknown) => {
      throw neverConnected(error) ? new SmsNotSent('SMS webhook unreachable', { cause: error }) : error;
    });
    // Read to its end (within the same timeout) so the connection goes back to fetch's pool for
    // the next message; an answer left unread holds its socket until garbage collection. The
    // status already said whether the gateway took the message: the rest cannot change that.
    const answer = await response.text().catch((error: unknown) => {
      this.log.warn({ err: error, status: response.status }, 'SMS webhook answer cut short');
      return '';
    });
    if (!response.ok) {
      this.log.error(
        { status: response.status, answer: answer.slice(0, 200) },
        'SMS webhook refused the message',
      );
      throw new SmsNotSent(`SMS webhook answered ${response.status}`);
    }
  }
}

/**
 * A gateway's `user:password@` moved into an Authorization header, as curl sends it: fetch refuses
 * a URL holding credentials ("Request cannot be constructed..."), an error naming the URL, and so
 * the password, in the log of every send.
 */
function withBasicAuth(address: string): { url: string; headers: Record<string, string> } {
  const url = new URL(address);
  if (!url.username && !url.password) return { url: address, headers: {} };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return {
    url: url.toString(),
    headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
  };
}

/** Errors of a connection that never opened: the request, and so the message, was never sent. */
const connectErrors = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function neverConnected(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return typeof cause?.code === 'string' && connectErrors.has(cause.code);
}

export function createSmsSender(config: Config, log: Logger): SmsSender {
  if (config.sms.provider === 'webhook' && config.sms.webhookUrl) {
    return new WebhookSmsSender(config.sms.webhookUrl, log);
  }
  return new ConsoleSmsSender();
}
