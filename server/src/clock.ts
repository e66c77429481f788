/** Injected wherever time decides an outcome (token expiry, code validity, rate windows), so tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
