import type { TFunction } from 'i18next';
import { ApiError } from '../api/api-client.ts';

/**
 * A sentence a person understands for an API failure: the translation of its stable `code`
 * (`errors.<code>`), else a sentence for its HTTP status, else the server's own detail.
 */
export function problemMessage(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    const byCode = t(`errors.${error.code}`, { defaultValue: '' });
    if (byCode) return byCode;
    const byStatus = t(`errors.status_${error.status}`, { defaultValue: '' });
    if (byStatus) return error.detail ? `${byStatus} (${error.detail})` : byStatus;
    return error.detail ?? t('errors.unknown');
  }
  return t('errors.unknown');
}

/** Normalises pointers so `/crop/left`, `crop.left` and `/body/crop/left` compare equal. */
function normalise(pointer: string): string {
  return pointer.replace(/^\/?(body\/)?/, '/').replace(/\./g, '/');
}

/**
 * The message to show under the form field whose JSON pointer is `pointer` (or a parent of the
 * pointer the API named), or undefined when the failure is about another field.
 */
export function fieldError(t: TFunction, error: unknown, pointer: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const wanted = normalise(pointer);
  const matches = (field: string | undefined) => field !== undefined && (normalise(field) === wanted || normalise(field).startsWith(`${wanted}/`));
  const item = error.items.find((candidate) => matches(candidate.field));
  if (item) {
    const byCode = t(`errors.${item.code}`, { defaultValue: '' });
    return byCode || item.message || problemMessage(t, error);
  }
  if (matches(error.field)) return problemMessage(t, error);
  return undefined;
}

/** True when the failure names one of these fields (so no separate alert is needed). */
export function isAboutFields(error: unknown, pointers: readonly string[]): boolean {
  if (!(error instanceof ApiError)) return false;
  const fields = [error.field, ...error.items.map((item) => item.field)].filter((field): field is string => !!field).map(normalise);
  return fields.length > 0 && fields.every((field) => pointers.some((pointer) => field === normalise(pointer) || field.startsWith(`${normalise(pointer)}/`)));
}
