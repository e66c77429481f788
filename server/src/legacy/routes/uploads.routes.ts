import { encodeUploadedFile } from '../codecs/uploads.js';
import { kinds } from '../fields.js';
import type { LegacyRoute, UploadRow } from '../route.js';

const uploadRow = (
  row: Pick<UploadRow, 'path' | 'auth' | 'upload'> & { en: string; audience: string },
): UploadRow => ({
  path: row.path,
  summary: { zh: '文件上传', en: row.en },
  description:
    `Multipart only: the file in part \`file\` (a text field also named \`file\` beside it is ignored). ${row.audience} ` +
    'The type is decided by the bytes, not the name; the file is stored under a random name. Answers ' +
    '`{id, url, time}`: `url` is a path on this service, served by GET, and what file fields of other routes take.',
  auth: row.auth,
  upload: row.upload,
  fields: {
    file: { to: 'file', label: '上传文件', kind: kinds.file, en: 'The file.', example: 'photo.png' },
  },
  encode: (uploaded, { timeZone }) => encodeUploadedFile(uploaded, timeZone),
  example: { request: { file: 'photo.png' } },
});

/**
 * The two upload URLs (CONTRACT.md §5), multipart part `file`. The file streams to storage while
 * the form is read; it is recorded once the whole form (and so the login) is known.
 */
export const uploadRoutes: LegacyRoute[] = [
  uploadRow({
    path: '/index/api/file_upload',
    en: 'Upload an image (no login)',
    audience: 'Without login: jpg, png, gif and webp images up to 5 MB, limited per client IP.',
    auth: 'none',
    upload: 'anonymous',
  }),
  uploadRow({
    path: '/user/api/file_upload',
    en: 'Upload a file',
    audience:
      'Logged in: images up to 5 MB; zip, rar, 7z, pdf, docx, xlsx and pptx up to 50 MB; LIMIT_UPLOAD_PER_USER_HOUR files an hour per user.',
    auth: 'session',
    upload: 'member',
  }),
];
