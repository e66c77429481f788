import { uploadedFile } from '../../features/uploads/uploads.schemas.js';
import { type LegacyRouteDoc, legacyDocs } from './types.js';

const upload = (audience: string, en: string): LegacyRouteDoc => ({
  summary: { zh: '文件上传', en },
  description:
    `Multipart only: the file in part \`file\` (a text field also named \`file\` beside it is ignored). ${audience} ` +
    'The type is decided by the bytes, not the name; the file is stored under a random name. Answers ' +
    '`{id, url, time}`: `url` is a path on this service, served by GET, and what file fields of other routes take.',
  fields: {
    file: { type: 'file', zh: '上传文件', en: 'The file.', required: true, example: 'photo.png' },
  },
  output: uploadedFile,
  example: { request: { file: 'photo.png' } },
});

/** The two upload URLs (CONTRACT.md §5). */
export const uploadDocs = legacyDocs({
  '/index/api/file_upload': upload(
    'Without login: jpg, png, gif and webp images up to 5 MB, limited per client IP.',
    'Upload an image (no login)',
  ),
  '/user/api/file_upload': upload(
    'Logged in: images up to 5 MB; zip, rar, 7z and pdf up to 50 MB.',
    'Upload a file',
  ),
});
