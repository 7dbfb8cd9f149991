/**
 * Academic level of a student. The ESC Router's v2 API uses words, its v1 API and ISCED 2011
 * use numbers: 6 = BACHELOR, 7 = MASTER, 8 = DOCTORATE.
 */

/** The router's v2 spelling. */
export type AcademicLevel = 'BACHELOR' | 'MASTER' | 'DOCTORATE';

/** ISCED 2011 level of a higher-education student. */
export type IscedLevel = 6 | 7 | 8;

/** All levels, lowest first. */
export const ACADEMIC_LEVELS: readonly AcademicLevel[] = ['BACHELOR', 'MASTER', 'DOCTORATE'];

const BY_ISCED: Record<IscedLevel, AcademicLevel> = { 6: 'BACHELOR', 7: 'MASTER', 8: 'DOCTORATE' };
const TO_ISCED: Record<AcademicLevel, IscedLevel> = { BACHELOR: 6, MASTER: 7, DOCTORATE: 8 };

/**
 * True when `value` is one of the router's academic-level words (exact, uppercase).
 */
export function isAcademicLevel(value: unknown): value is AcademicLevel {
  return typeof value === 'string' && (ACADEMIC_LEVELS as readonly string[]).includes(value);
}

/**
 * True when `value` is an ISCED level the router knows (6, 7 or 8).
 */
export function isIscedLevel(value: unknown): value is IscedLevel {
  return value === 6 || value === 7 || value === 8;
}

/**
 * The router word for an ISCED level, or undefined for any other number (the caller decides
 * whether an unknown level is an error or simply not sent).
 */
export function academicLevelFromIsced(level: number): AcademicLevel | undefined {
  return isIscedLevel(level) ? BY_ISCED[level] : undefined;
}

/**
 * The ISCED level of a router word, matched case-insensitively; undefined when unknown.
 */
export function iscedFromAcademicLevel(level: string): IscedLevel | undefined {
  const upper = level.toUpperCase();
  return isAcademicLevel(upper) ? TO_ISCED[upper] : undefined;
}
