/**
 * Writes batches behind a producer: `write` runs on each pushed batch in the background, one
 * batch at a time and in push order, while the producer goes on reading. A directory sync uses it
 * to write page N while page N + 1 is fetched, so a sync costs about the slower of reading and
 * writing rather than their sum.
 *
 * Backpressure: `push` waits while `depth` batches are queued or being written, so memory stays
 * bounded whatever the gap in speed. The first failure stops the writer: later batches are not
 * written, and the next `push` or `drain` throws that failure.
 */
export interface WriteBehind<T> {
  /** Queues a batch; waits first when `depth` batches are already waiting or being written. */
  push(batch: T): Promise<void>;
  /** Waits until every queued batch is written; throws the first write failure. */
  drain(): Promise<void>;
}

/** A {@link WriteBehind} over `write`, at most `depth` (≥ 1) batches ahead of it. */
export function createWriteBehind<T>(write: (batch: T) => Promise<void>, depth: number): WriteBehind<T> {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`write-behind depth must be a positive integer, got ${depth}`);
  let tail: Promise<void> = Promise.resolve();
  let queued = 0;
  let failure: { error: unknown } | undefined;
  // The producer waiting for room, if any (one producer: at most one waiter at a time).
  const waiting: Array<() => void> = [];

  return {
    async push(batch: T): Promise<void> {
      while (queued >= depth && failure === undefined) await new Promise<void>((resolve) => waiting.push(resolve));
      if (failure) throw failure.error;
      queued += 1;
      tail = tail.then(async () => {
        try {
          if (failure === undefined) await write(batch);
        } catch (error) {
          failure = { error };
        } finally {
          queued -= 1;
          waiting.shift()?.();
        }
      });
    },

    async drain(): Promise<void> {
      await tail;
      if (failure) throw failure.error;
    },
  };
}
