/**
 * A project that installed the packed SDK, as a frontend or a script would. Run against a server:
 * `node out/consumer.js <url> <token> <balancer>`; prints what it saw as JSON. `<balancer>` stands for a
 * proxy in front of the service answering its own pages: `/html/...` an HTML 502 or 413,
 * `/json/...` a 413 in JSON that is not the service's shape; it notes every path it is sent.
 */
import {
  type AppErrorCode,
  appErrorCode,
  createClient,
  httpStatusOf,
  isAppError,
  type RouterInputs,
  type RouterOutputs,
  uploadFile,
} from '@marketplace/client-sdk';

// The one bit of Node used here, declared by hand: no @types/node, so none can stand in for a type the
// SDK's declarations would wrongly need.
declare const process: { readonly argv: readonly string[] };
const [url = '', loginToken = '', balancer = ''] = process.argv.slice(2);

let token: string | undefined;
const connection = { url, token: () => token };
const api = createClient(connection);

/** The bytes at offset 3 of a larger buffer, as a view into a file read in chunks has them. */
function padded(bytes: Uint8Array): Uint8Array {
  const larger = new Uint8Array(bytes.length + 6).fill(0xff);
  larger.set(bytes, 3);
  return larger;
}

/** Runs a call that must fail, and answers the service's code of its failure. */
async function refusal(call: () => Promise<unknown>): Promise<AppErrorCode> {
  try {
    await call();
  } catch (error) {
    // Narrowed to an answer of the service: its data is there, with no `?.`.
    if (isAppError(error)) return error.data.appCode;
    throw error;
  }
  throw new Error('the call succeeded');
}

/** Runs a call that must fail, and answers what a frontend can tell of its failure. */
async function failure(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    const { name, message, cause } = error as Error;
    return {
      name,
      cause: (cause as Error | undefined)?.name,
      code: appErrorCode(error) ?? null,
      status: httpStatusOf(error) ?? null,
      message,
    };
  }
  throw new Error('the call succeeded');
}

const filter: RouterInputs['demands']['list'] = { page: 1, perPage: 5 };
const page: RouterOutputs['demands']['list'] = await api.demands.list.query(filter);
const first = page.items[0];

const anonymousMe = await refusal(() => api.user.me.query());
const anonymousMeStatus = (await failure(() => api.user.me.query())).status;
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
// The bytes themselves, as a script reads a file (a Node Buffer is a Uint8Array), need no Blob around them.
const fromBytes = {
  view: await uploadFile({ ...connection, file: png, filename: 'pixel.png' }),
  arrayBuffer: await uploadFile({ ...connection, file: png.buffer, filename: 'pixel.png' }),
  part: await uploadFile({
    ...connection,
    file: new DataView(padded(png).buffer, 3, png.length),
    filename: 'pixel.png',
  }),
};
let textUpload: AppErrorCode | undefined;
try {
  await uploadFile({ ...connection, file: new Blob(['plain text']), filename: 'notes.txt' });
} catch (error) {
  textUpload = appErrorCode(error);
}
// Cancelled by the app (the user gave up): fails as an aborted procedure does, and sends nothing
// (the balancer counts what reaches `/aborted`).
const abortedUpload = await failure(() =>
  uploadFile({
    ...connection,
    url: `${balancer}/aborted`,
    file: new Blob([png]),
    filename: 'pixel.png',
    signal: AbortSignal.abort(),
  }),
);
// A proxy's pages instead of the service's answers, through the same idiom.
const behindProxy = { html: `${balancer}/html`, json: `${balancer}/json` };
const proxyPage = await failure(() =>
  createClient({ url: behindProxy.html }).demands.list.query({ page: 1 }),
);
// JSON that is not the service's: a proxy's JSON 413, and a url missing a path prefix's mistake the
// other way round (`/api`), which the service's legacy door answers with its 404 envelope.
const foreignJson = {
  proxy: await failure(() => createClient({ url: behindProxy.json }).demands.list.query({ page: 1 })),
  wrongPath: await failure(() => createClient({ url: `${url}/api` }).demands.list.query({ page: 1 })),
};
const proxyUpload = {
  html: await failure(() =>
    uploadFile({ ...connection, url: behindProxy.html, file: new Blob([png]), filename: 'a.png' }),
  ),
  json: await failure(() =>
    uploadFile({ ...connection, url: behindProxy.json, file: new Blob([png]), filename: 'a.png' }),
  ),
};
const wrongPassword = await refusal(() =>
  api.auth.loginWithPassword.mutate({ phone: me.phone, password: 'not-the-password' }),
);
// Narrowed by the code asked for: the assignment compiles only if `appCode` is typed as that one code.
let narrowed: 'BALANCE_TOO_LOW' | undefined;
try {
  await api.payments.payDemand.mutate({ demandId: 999_999_999 });
} catch (error) {
  if (isAppError(error, 'BALANCE_TOO_LOW')) narrowed = error.data.appCode;
  else if (!isAppError(error, 'NOT_FOUND')) throw error;
}

console.log(
  JSON.stringify({
    total: page.total,
    firstTitle: first?.title,
    firstCreatedAtIsDate: first?.createdAt instanceof Date,
    anonymousMe,
    anonymousMeStatus,
    anonymousUpload,
    meId: me.id,
    meCreatedAtIsDate: me.createdAt instanceof Date,
    many: many.length,
    uploaded: { mime: uploaded.mime, createdAtIsDate: uploaded.createdAt instanceof Date },
    fromBytes: Object.fromEntries(
      Object.entries(fromBytes).map(([kind, file]) => [kind, { mime: file.mime, size: file.size }]),
    ),
    textUpload,
    wrongPassword,
    narrowed: narrowed ?? null,
    abortedUpload,
    proxyPage,
    foreignJson,
    proxyUpload,
  }),
);
