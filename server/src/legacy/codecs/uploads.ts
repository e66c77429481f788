import type { UploadedFile } from '../../features/uploads/uploads.schemas.js';
import { formatLegacyDate } from './dates.js';

/** What the upload routes answer (CONTRACT.md §5): `url` is a path on this service. */
export const encodeUploadedFile = (file: UploadedFile, timeZone: string) => ({
  id: file.id,
  url: file.url,
  time: formatLegacyDate(file.createdAt, timeZone),
});
