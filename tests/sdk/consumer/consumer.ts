/**
 * A project that installed the packed SDK, as a frontend or a script would. Run against a server:
 * `node out/consumer.js <url> <token>`; prints what it saw as JSON.
 */
import {
  type AppErrorCode,
  appErrorCode,
  createClient,
  isAppError,
  type RouterInputs,
  type RouterOutputs,
  uploadFile,
} from '@marketplace/client-sdk';

// The one bit of Node used here, declared by hand: no @types/node, so none can stand in for a type the
// SDK's declarations would wrongly need.
declare const process: { readonly argv: readonly string[] };
const [url = '', loginToken = ''] = process.argv.slice(2);

let token: string | undefined;
const connection = { url, token: () => token };
const api = createClient(connection);

/** Runs a call that must fail, and answers the service's code of its failure. */
async function refusal(call: () => Promise<unknown>): Promise<AppErrorCode | 'no service error'> {
  try {
    await call();
  } catch (error) {
    if (isAppError(error)) return error.data?.appCode ?? 'no service error';
    throw error;
  }
  throw new Error('the call succeeded');
}

const filter: RouterInputs['demands']['list'] = { page: 1, perPage: 5 };
const page: RouterOutputs['demands']['list'] = await api.demands.list.query(filter);
const first = page.items[0];

const anonymousMe = await refusal(() => api.user.me.query());
const anonymousUpload = await refusal(() =>
  uploadFile({ ...connection, file: new Blob(['x']), filename: 'x.png' }),
);

token = loginToken;
const me = await api.user.me.query();
// More calls at once than one batch may hold: the client splits them by the limit it shares with the server.
const many = await Promise.all(Array.from({ length: 12 }, () => api.user.me.query()));
const png = Uint8Array.from(
  atob(
    'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAALUlEQVR4nAXBgQ2AMAgAsLqBQULC/9/aQlAMpMin8kxeWvSpjumXFXtr39nvBxIkAP14SI/EAAAAAElFTkSuQmCC',
  ),
  (c) => c.charCodeAt(0),
);
const uploaded = await uploadFile({ ...connection, file: new Blob([png]), filename: 'pixel.png' });
let textUpload: AppErrorCode | undefined;
try {
  await uploadFile({ ...connection, file: new Blob(['plain text']), filename: 'notes.txt' });
} catch (error) {
  textUpload = appErrorCode(error);
}
const wrongPassword = await refusal(() =>
  api.auth.loginWithPassword.mutate({ phone: me.phone, password: 'not-the-password' }),
);

console.log(
  JSON.stringify({
    total: page.total,
    firstTitle: first?.title,
    firstCreatedAtIsDate: first?.createdAt instanceof Date,
    anonymousMe,
    anonymousUpload,
    meId: me.id,
    meCreatedAtIsDate: me.createdAt instanceof Date,
    many: many.length,
    uploaded: { mime: uploaded.mime, createdAtIsDate: uploaded.createdAt instanceof Date },
    textUpload,
    wrongPassword,
  }),
);
