import { useEffect, useRef, useState } from 'react';

/**
 * What changed in the record on the card while it was there, in the page's words (标题, 价格), or
 * null when nothing did: a record its user changed comes back in its new version, and the operator
 * need not find a new price or an added contact line unaided. An empty list when the change is
 * known but its fields are not.
 */
export function useChangedNotice<Item>(
  current: Item | undefined,
  itemKey: (item: Item) => string,
  itemVersion: (item: Item) => string,
  changedFields?: (before: Item, after: Item) => string[],
): string[] | null {
  const shown = useRef<{ item: Item; version: string } | null>(null);
  const [changed, setChanged] = useState<{ key: string; fields: string[] } | null>(null);
  useEffect(() => {
    if (current === undefined) return;
    const before = shown.current;
    const version = itemVersion(current);
    if (before && itemKey(before.item) === itemKey(current) && before.version !== version) {
      setChanged({ key: itemKey(current), fields: changedFields?.(before.item, current) ?? [] });
    }
    shown.current = { item: current, version };
  });
  return changed !== null && current !== undefined && changed.key === itemKey(current)
    ? changed.fields
    : null;
}
