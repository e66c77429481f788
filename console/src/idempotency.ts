/**
 * A fresh idempotency key. crypto.randomUUID exists only on secure pages (https or localhost), and
 * operators may open the console over plain http inside an office network; getRandomValues exists
 * everywhere.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
