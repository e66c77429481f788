import type { LegacyFieldDoc } from './types.js';

/** The login fields every `/user/...` row takes (CONTRACT.md §3); added to each row's docs. */
export const loginFieldDocs: Readonly<Record<string, LegacyFieldDoc>> = {
  user_id_check: {
    type: 'integer',
    zh: '用户ID',
    en: 'The logged-in user id, as login answered it (clients send it as a string from localStorage).',
    required: true,
    example: '7',
  },
  token_check: {
    type: 'text',
    zh: '用户TOKEN',
    en: 'The token login answered; it must be live and belong to `user_id_check`.',
    required: true,
    example: 'q8v0Yk3mJ9xWc2Lh5RtN1pZa7EoUbFgD4sKiQyTw6Xn',
  },
};

/** `page` and `limit` of every list (ThinkPHP paginator, CONTRACT.md §4). */
export const pageFieldDocs: Readonly<Record<string, LegacyFieldDoc>> = {
  page: { type: 'integer', en: 'Page number, from 1.', example: 1 },
  limit: { type: 'integer', zh: '每页条数', en: 'Rows per page: 15 unless given, at most 100.', example: 15 },
};

/** An example upload URL, as the upload routes answer it. */
export const exampleUploadUrl = '/uploads/2026/12/01/Vb3kQm9ZtR2xWp7LsN4hYc.png';
export const exampleArchiveUrl = '/uploads/2026/12/01/Jd8fKq2MnX5rTb9VwL3pGs.zip';
