import { useEffect, useState } from 'react';
import { institutionApi } from '../api/institution.api.ts';
import type { Institution } from '../api/api-types.ts';

let cached: Promise<Institution | null> | null = null;

/** Forgets the cached institution (after an admin changed it). */
export function invalidateInstitution(): void {
  cached = null;
}

/**
 * The institution (name, colours, settings), loaded once per page load and shared. Null when it
 * cannot be read (pages then fall back to neutral defaults).
 */
export function useInstitution(): Institution | null | undefined {
  const [value, setValue] = useState<Institution | null | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    cached ??= institutionApi.get().catch(() => null);
    void cached.then((institution) => {
      if (alive) setValue(institution);
    });
    return () => {
      alive = false;
    };
  }, []);
  return value;
}
