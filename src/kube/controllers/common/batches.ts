/** Runs `fn` for every item with at most `limit` calls in flight; resolves with each outcome, in order. */
export async function runBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: "fulfilled", value: await fn(items[i] as T) };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** How many requests one controller keeps in flight at once. */
export const MAX_IN_FLIGHT = 100;

/**
 * Upstream's slowStartBatch: calls `fn` `count` times in batches of 1, 2, 4, … (each batch
 * concurrently, at most MAX_IN_FLIGHT at a time) and stops after the first batch with a failure,
 * so a request the API keeps refusing (quota, admission) fails once instead of `count` times.
 */
export async function slowStartBatch(count: number, initialBatchSize: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, initialBatchSize); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await runBounded(Array.from({ length: size }, (_, i) => i), MAX_IN_FLIGHT, () => fn());
    const failed = results.find((r) => r.status === "rejected");
    successes += results.filter((r) => r.status === "fulfilled").length;
    if (failed) return { successes, error: (failed as PromiseRejectedResult).reason };
    remaining -= size;
  }
  return { successes };
}
