import { useCallback, useEffect, useRef, useState } from 'react';

export interface ApiResource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again (after a change); keeps the previous data on screen meanwhile. */
  reload(): void;
}

/**
 * Loads something from the API when the component mounts or `deps` change. The loader gets an
 * AbortSignal; a stale answer never overwrites a newer one.
 */
export function useApi<T>(loader: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): ApiResource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    loaderRef.current(controller.signal)
      .then((value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(null);
      })
      .catch((failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(failure);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((value) => value + 1), []);
  return { data, error, loading, reload };
}
