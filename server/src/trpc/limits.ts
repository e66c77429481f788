/**
 * Limits of the typed API that its clients must keep too. client-sdk bundles this file into its
 * JavaScript, so the SDK and the server read the same numbers: keep it free of imports.
 */

/** Calls per tRPC batch: enough for a page's worth of queries, few enough that one request stays cheap. */
export const maxBatchSize = 10;
