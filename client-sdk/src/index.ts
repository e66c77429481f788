/**
 * The typed SDK of the marketplace service: `createClient` for every procedure of the tRPC router,
 * `uploadFile` for files, one way to recognise the service's errors, and the router's types.
 */
export { type Client, type ClientOptions, createClient, fileUrl, type TokenSource } from './client.js';
export { type AppClientError, appErrorCode, httpStatusOf, isAppError, type ServiceError } from './errors.js';
export type { AppErrorCode, AppErrorShape, AppRouter, RouterInputs, RouterOutputs } from './types.js';
export { type UploadedFile, type UploadOptions, uploadFile } from './upload.js';
