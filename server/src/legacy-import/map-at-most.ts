import pLimit from 'p-limit';

/**
 * `fn` over the items, at most `parallel` at once, answered in the items' order. Once one fails,
 * the items not yet started are left and every started one ends before the first failure is
 * thrown: nothing the import began still runs after it reports. (p-limit's own `map` answers as
 * `Promise.all` does, at the first failure, with the rest still starting.)
 */
export async function mapAtMost<Item, Result>(
  parallel: number,
  items: readonly Item[],
  fn: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const limit = pLimit(parallel);
  let failed = false;
  const outcomes = await Promise.allSettled(
    items.map((item) =>
      limit(async () => {
        if (failed) return undefined;
        try {
          return await fn(item);
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    ),
  );
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<Result>).value);
}
