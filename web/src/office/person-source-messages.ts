import type { TFunction } from 'i18next';
import { ApiError } from '../api/api-client.ts';
import { fieldError, problemMessage } from '../shared/problem-messages.ts';

/**
 * The sentence for a person source's stable code (settings refused, connection failed, record
 * error, run outcome) in the console's language: `admin.sources.codes.<code>`, else the server's
 * own message (English, but never nothing).
 */
export function sourceMessage(t: TFunction, code: string | undefined, fallback: string): string {
  return code ? t(`admin.sources.codes.${code}`, { defaultValue: fallback }) : fallback;
}

function normalise(pointer: string): string {
  return pointer.replace(/^\/?(body\/)?/, '/').replace(/\./g, '/');
}

/** An API failure of the sources panel in words: its first item's code, its own code, or the generic message. */
export function sourceProblemMessage(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    for (const code of [error.items[0]?.code, error.code]) {
      const known = code ? t(`admin.sources.codes.${code}`, { defaultValue: '' }) : '';
      if (known) return known;
    }
  }
  return problemMessage(t, error);
}

/** As `fieldError`, with the sources' own codes first (e.g. /settings/path: path_outside_directory). */
export function sourceFieldError(t: TFunction, error: unknown, pointer: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const wanted = normalise(pointer);
  const item = error.items.find((candidate) => candidate.field !== undefined
    && (normalise(candidate.field) === wanted || normalise(candidate.field).startsWith(`${wanted}/`)));
  const known = item ? t(`admin.sources.codes.${item.code}`, { defaultValue: '' }) : '';
  return known || fieldError(t, error, pointer);
}
