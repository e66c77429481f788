/** Names that tie the generated reference together (tags, operation ids, links between them). */

export const typedTag = (namespace: string) => `Typed API · ${namespace}`;

/** Operation ids without dots or slashes, which Swagger UI would escape in its links. */
export const procedureOperationId = (path: string) => `trpc_${path.replaceAll('.', '_')}`;
export const legacyOperationId = (method: string, path: string) =>
  `legacy_${method}${path.replaceAll('/', '_')}`;

/** A link inside the reference to an operation (Swagger UI deep links: `#/<tag>/<operationId>`). */
export const operationLink = (tag: string, operationId: string) =>
  `#/${tag.replace(/\s/g, '%20')}/${operationId}`;
