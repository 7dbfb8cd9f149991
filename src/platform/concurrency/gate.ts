/**
 * A FIFO semaphore: at most `limit` tasks run at once, the others wait for a free slot in the
 * order they came. Used to bound CPU- or memory-heavy work (image decoding, SVG rendering) so a
 * burst of uploads queues instead of exhausting the process.
 */
export function createGate(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) {
      // The finishing task hands its slot over directly, so `active` stays counted.
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      active += 1;
    }
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}
