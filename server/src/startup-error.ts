/**
 * A start-up failure whose message says all an operator needs (what was tried, why it failed):
 * main.ts prints it without a stack, as it does a ConfigError.
 */
export class StartupError extends Error {}
