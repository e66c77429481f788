import type { Logger } from 'pino';
import type { Config } from '../config.js';

export interface SmsMessage {
  readonly phone: string;
  readonly code: string;
  readonly text: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
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

/** POSTs `{phone, code, text}` as JSON to the configured gateway; any non-2xx answer is a failure. */
export class WebhookSmsSender implements SmsSender {
  constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly timeoutMs = 5000,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Read to its end (within the same timeout) so the connection goes back to fetch's pool for
    // the next message; an answer left unread holds its socket until garbage collection.
    const answer = await response.text();
    if (!response.ok) {
      this.log.error(
        { status: response.status, answer: answer.slice(0, 200) },
        'SMS webhook refused the message',
      );
      throw new Error(`SMS webhook answered ${response.status}`);
    }
  }
}

export function createSmsSender(config: Config, log: Logger): SmsSender {
  if (config.sms.provider === 'webhook' && config.sms.webhookUrl) {
    return new WebhookSmsSender(config.sms.webhookUrl, log);
  }
  return new ConsoleSmsSender();
}
