/**
 * Largest JSON or form body (Fastify's bodyLimit), and largest sum of a multipart form's text
 * fields: the same fields sent as multipart must not hold more than they could as JSON (1000 fields
 * of 128 KB each would otherwise be 128 MB held in memory for one request).
 */
export const bodyLimitBytes = 1024 * 1024;
