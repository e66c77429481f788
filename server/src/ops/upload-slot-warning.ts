import type { Config } from '../config.js';

/**
 * An upload cap per client that does not stay below the object store's slots lets one client
 * address (an office behind one NAT, or an attacker) hold every slot of the instance, and every
 * other user's upload waits for its bodies. Allowed, since a private deployment may want it; said.
 */
export function uploadSlotWarning(config: Config): string | undefined {
  const { storage } = config;
  const perClient = config.limits.uploadsPerClient;
  if (storage.driver !== 's3' || perClient < storage.concurrentUploads) return undefined;
  return (
    `UPLOADS_PER_CLIENT (${perClient}) is not below S3_UPLOAD_CONCURRENCY (${storage.concurrentUploads}): ` +
    "one client address can hold every upload slot of this instance while other users' uploads wait. " +
    'Raise S3_UPLOAD_CONCURRENCY with it.'
  );
}
