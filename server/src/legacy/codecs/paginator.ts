import { integer, type LegacyFields } from './values.js';

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

/** Reads the legacy `page` and `limit` fields into the typed page request. */
export const decodePageFields = (fields: LegacyFields) => ({
  page: integer(fields.page),
  perPage: integer(fields.limit),
});
