import type { StorageConfig } from '../../config.js';
import { DiskStorage } from './disk-storage.js';
import type { FileStorage } from './storage.js';

/**
 * The configured storage driver. The S3 driver is loaded only when chosen: the AWS SDK takes
 * ~400 ms to import, which a service on disk (and every test file) need not pay.
 */
export async function openFileStorage(config: StorageConfig): Promise<FileStorage> {
  if (config.driver === 'disk') return new DiskStorage(config.dir);
  const { S3Storage } = await import('./s3-storage.js');
  return new S3Storage(config);
}
