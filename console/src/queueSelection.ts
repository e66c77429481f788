/**
 * Where the selected item is now: by its key while it is still queued; once it has left (decided,
 * here or elsewhere), the item now at its old place, the next one.
 */
export function selectedIndex(
  keys: readonly string[],
  selected: { key: string | null; index: number },
): number {
  const byKey = selected.key === null ? -1 : keys.indexOf(selected.key);
  return byKey >= 0 ? byKey : Math.min(selected.index, Math.max(keys.length - 1, 0));
}
