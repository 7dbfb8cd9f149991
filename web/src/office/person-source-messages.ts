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

/**
 * A record error of a preview or a run (a CSV line refused, a field the mapping refused) in the
 * console's language: its code's sentence, after the line of the file when the server's message
 * names one (`line 12: …`, the CSV source's wording), so the admin still knows where to look.
 */
export function recordErrorMessage(t: TFunction, error: { code?: string; message: string }): string {
  const text = sourceMessage(t, error.code, error.message);
  if (text === error.message) return text;
  const line = /\bline (\d+):/.exec(error.message)?.[1];
  return line ? t('admin.sources.lineMessage', { line, message: text }) : text;
}

/**
 * The name of the field a record error is about: a person field (`birthDate`, `freeFields.free1`)
 * or a CSV column (`birth_date`, `free1`) in words; null for the whole line (`line`), whose
 * message says it all; `key`, the source's key of the record.
 */
export function recordFieldLabel(t: TFunction, field: string): string | null {
  if (field === 'line' || field === '') return null;
  if (field === 'key') return t('admin.sources.key');
  const free = /^(?:freeFields\.)?(free[1-7])$/.exec(field)?.[1];
  const name = free ? `freeFields.${free}` : field.replace(/_([a-z])/g, (_all, letter: string) => letter.toUpperCase());
  return t(`person.${name}`, { defaultValue: field });
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
