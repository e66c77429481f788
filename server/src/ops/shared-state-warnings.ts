import type { Config } from '../config.js';

/**
 * What a start on MySQL keeps to this one process or machine. MySQL is how instances share their
 * data, so a second instance is likely; these settings then make the instances disagree without
 * any error: a login on one is unknown to the other, limits count per instance, a file uploaded
 * to one is missing from the other. The embedded default is one process by nature and is not
 * warned about.
 */
export function sharedStateWarnings(config: Config): string[] {
  if (!config.databaseUrl) return [];
  const warnings: string[] = [];
  if (!config.redisUrl) {
    warnings.push(
      'REDIS_URL is unset: sessions, SMS codes and rate limits are kept in this process only. ' +
        'Every instance sharing this database needs the same REDIS_URL (or REDIS_CLUSTER_NODES).',
    );
  }
  if (config.appSecretFile) {
    warnings.push(
      `APP_SECRET is unset: this instance keys tokens, SMS codes and file links with its own secret (${config.appSecretFile}). ` +
        'Every instance sharing this database needs the same APP_SECRET.',
    );
  }
  if (config.storage.driver === 'disk') {
    warnings.push(
      `STORAGE is disk: uploaded files are kept in ${config.storage.dir} on this machine. ` +
        'Instances on other machines need STORAGE=s3, or that directory shared with them.',
    );
  }
  return warnings;
}
