/**
 * The labels of the fields that differ between two versions of one record, each once, in the
 * table's order: what a review card says its user changed (标题、价格). Several fields shown under
 * one label name it once.
 */
export function changedLabels<T>(
  fields: ReadonlyArray<readonly [keyof T, string]>,
  before: T,
  after: T,
): string[] {
  const changed = fields.filter(([field]) => !sameValue(before[field], after[field]));
  return [...new Set(changed.map(([, label]) => label))];
}

/**
 * Equal as JSON (dates by their instant, lists by their entries), files by their path: the
 * service signs private file URLs anew on every read, so the same file comes back under another
 * signature.
 */
const sameValue = (a: unknown, b: unknown) =>
  JSON.stringify(a, withoutSignature) === JSON.stringify(b, withoutSignature);
const withoutSignature = (_key: string, value: unknown) =>
  typeof value === 'string' ? value.replace(/\?exp=\d+&sig=[\w-]+$/, '') : value;
