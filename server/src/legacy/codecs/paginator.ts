/** The ThinkPHP paginator shape every legacy list answers with (CONTRACT.md §4). */
export function encodePaginator<Item>(
  page: { items: readonly Item[]; total: number; page: number; perPage: number; lastPage: number },
  encodeItem: (item: Item) => unknown,
) {
  return {
    total: page.total,
    per_page: page.perPage,
    current_page: page.page,
    last_page: page.lastPage,
    data: page.items.map(encodeItem),
  };
}

/** Label paths placed under a path of `data`: `at('data[]', demandLabels)` gives `data[].pay`, ... */
export function at(
  prefix: string,
  labels: Readonly<Record<string, readonly string[]>>,
): Record<string, readonly string[]> {
  return Object.fromEntries(Object.entries(labels).map(([key, values]) => [`${prefix}.${key}`, values]));
}
