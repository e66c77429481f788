/**
 * A start-up failure whose message says all an operator needs (what was tried, why it failed):
 * main.ts prints it without a stack, as it does a ConfigError.
 */
export class StartupError extends Error {}

/**
 * Runs one part of the start. A failure of the world outside it (a connection refused, a port
 * taken, a folder not writable, MySQL's refusal) becomes a StartupError naming the setting behind
 * it: its stack would only hide the one line the operator needs.
 */
export async function startingWith<T>(setting: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StartupError || !isEnvironmentError(error)) throw error;
    throw new StartupError(`${setting}: ${error.message}`, { cause: error });
  }
}

/**
 * Node's system errors (`ECONNREFUSED`, `EADDRINUSE`, `EACCES`), MySQL's (`ER_...`), SQLite's, and
 * a TLS connection refused (mysql2's `HANDSHAKE_...`, Node's certificate checks:
 * `DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`, `ERR_SSL_...`) carry a code saying so.
 */
function isEnvironmentError(error: unknown): error is Error {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return (
    typeof code === 'string' &&
    /^(E[A-Z]+|ER_\w+|SQLITE_\w+|HANDSHAKE_\w+|ERR_(TLS|SSL)_\w+|\w*CERT\w*|UNABLE_TO_\w+)$/.test(code)
  );
}
