import { uploadIntake } from '../../features/uploads/upload-intake.js';
import { encodeUploadedFile } from '../codecs/uploads.js';
import { legacyRoute } from '../route.js';

const anonymous = uploadIntake('anonymous');
const member = uploadIntake('member');

/**
 * The two upload URLs (CONTRACT.md §5), multipart part `file`. The file streams to storage while
 * the form is read; it is recorded once the whole form (and so the login) is known.
 */
export const uploadRoutes = [
  legacyRoute({
    path: '/index/api/file_upload',
    labels: { file: '上传文件' },
    files: { field: 'file', receive: anonymous.receive, discard: anonymous.discard },
    decode: (f) => f.file,
    call: (_api, file, context) => anonymous.accept(context, file),
    encode: (file, { timeZone }) => encodeUploadedFile(file, timeZone),
  }),
  legacyRoute({
    path: '/user/api/file_upload',
    labels: { file: '上传文件' },
    files: { field: 'file', receive: member.receive, discard: member.discard },
    decode: (f) => f.file,
    call: (_api, file, context) => member.accept(context, file),
    encode: (file, { timeZone }) => encodeUploadedFile(file, timeZone),
  }),
];
