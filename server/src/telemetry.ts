import type { FileKind } from './features/uploads/file-types.js';

/** Which rule refused an SMS: the client IP's hourly cap or one of the phone's own caps. */
export type SmsRefusal = 'ip' | 'phone';
export type LoginMethod = 'password' | 'sms';
/** `wrong`: bad password or code; `locked`: refused by the failure limit before any check. */
export type LoginFailure = 'wrong' | 'locked';

/**
 * What features report for `/metrics`. Features call it without knowing whether metrics are on:
 * with metrics off it is `noTelemetry`, and nothing is counted or even loaded.
 */
export interface Telemetry {
  smsSent(): void;
  smsRefused(rule: SmsRefusal): void;
  /** The gateway failed to take a message. */
  smsFailed(): void;
  loginFailed(method: LoginMethod, reason: LoginFailure): void;
  uploadStored(kind: FileKind, bytes: number): void;
}

export const noTelemetry: Telemetry = {
  smsSent() {},
  smsRefused() {},
  smsFailed() {},
  loginFailed() {},
  uploadStored() {},
};
