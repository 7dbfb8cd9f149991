import { useEffect, useState } from 'react';
import { institutionApi } from '../api/institution.api.ts';
import { institutionsApi, type InstitutionResource, type InstitutionSummary, type PersonTypeResource } from '../api/institutions.api.ts';
import type { Institution } from '../api/api-types.ts';

let cached: Promise<Institution | null> | null = null;
let cachedList: Promise<InstitutionSummary[] | null> | null = null;
const cachedTypes = new Map<string, Promise<PersonTypeResource[]>>();
const cachedBrandings = new Map<string, Promise<InstitutionResource | null>>();

/** Forgets the cached institutions (after an admin changed one, or the console switched). */
export function invalidateInstitution(): void {
  cached = null;
  cachedList = null;
  cachedTypes.clear();
  cachedBrandings.clear();
}

/** What a card face shows of an institution: its name, colours, logo (and code when known). */
export interface Branding {
  code?: string;
  name: string;
  colors?: { primary: string; secondary: string } | undefined;
  hasLogo?: boolean;
}

function useShared<T>(load: () => Promise<T>, key = ''): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    void load().then((loaded) => {
      if (alive) setValue(loaded);
    });
    return () => {
      alive = false;
    };
  }, [key]);
  return value;
}

/**
 * The institution (name, colours, settings), loaded once per page load and shared. Null when it
 * cannot be read (pages then fall back to neutral defaults).
 */
export function useInstitution(): Institution | null | undefined {
  return useShared(() => (cached ??= institutionApi.get().catch(() => null)));
}

/**
 * The institutions the caller may read, loaded once and shared. Null
 * when they cannot be read (a cardholder, or a server without the institutions routes).
 */
export function useInstitutionList(): InstitutionSummary[] | null | undefined {
  return useShared(() => (cachedList ??= institutionsApi.list().catch(() => null)));
}

/**
 * The person types of these institutions (codes), each institution's loaded once and shared;
 * an institution whose types cannot be read adds none.
 */
export function usePersonTypesOf(codes: readonly string[]): Array<{ institution: string; types: PersonTypeResource[] }> | undefined {
  const key = codes.join(',');
  return useShared(() => Promise.all(codes.map(async (code) => {
    let types = cachedTypes.get(code);
    if (!types) {
      types = institutionsApi.personTypes(code).catch(() => []);
      cachedTypes.set(code, types);
    }
    return { institution: code, types: await types };
  })), key);
}

/**
 * The branding of the institutions that issued some cards (codes), for their card faces: each
 * institution read once by office roles (`readable`); otherwise, or where it cannot be read, the
 * branding of `GET /institution`. The answer gives the branding of a code (undefined while loading).
 */
export function useBrandings(codes: ReadonlyArray<string | undefined>, readable: boolean): (code: string | undefined) => Branding | null | undefined {
  const fallback = useInstitution();
  // A cardholder may not read institutions one by one: asking would only fail (403).
  const wanted = readable ? [...new Set(codes.filter((code): code is string => !!code))].sort() : [];
  const loaded = useShared(() => Promise.all(wanted.map(async (code) => {
    let branding = cachedBrandings.get(code);
    if (!branding) {
      branding = institutionsApi.get(code).catch(() => null);
      cachedBrandings.set(code, branding);
    }
    return [code, await branding] as const;
  })).then((entries) => new Map(entries)), wanted.join(','));
  return (code) => (code ? loaded?.get(code) : undefined) ?? fallback;
}
