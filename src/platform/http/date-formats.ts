/**
 * Dates and times the API accepts, checked as real calendar values within the range every part
 * of the system handles alike: years {@link MIN_YEAR}–9999. PostgreSQL has no year 0, four-digit
 * text stops at 9999, and PGlite reads a JavaScript Date parameter of a year below 100 as a
 * two-digit year (0001 → 2001) where PostgreSQL does not; no card-office date lies before 1900.
 * A shape-only check lets `2026-02-30` or `2026-99-99 99:99:99` through to the database, which
 * then fails the request with a 500.
 */

/** Earliest year of a date or date-time the API accepts. */
export const MIN_YEAR = 1900;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|([+-])(\d{2}):(\d{2}))$/;
/** A timestamp as PostgreSQL prints a `timestamptz` (`2026-01-31 12:34:56.123456+00`, `…+05:30`). */
const PG_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?(?::(\d{2}))?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isRealDay(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  return y >= MIN_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function isRealTime(hour: string, minute: string, second: string): boolean {
  return Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59;
}

/** `YYYY-MM-DD`, a day that exists (2024-02-29 yes, 2026-02-30 no), year {@link MIN_YEAR}–9999. */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  return match !== null && isRealDay(match[1] as string, match[2] as string, match[3] as string);
}

/**
 * RFC 3339 date-time with its offset (`2026-01-31T10:00:00Z`, `…T10:00:00.5+02:00`): a real day,
 * a real time of day (no leap second), an offset within ±23:59.
 */
export function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (match === null) return false;
  const [, year, month, day, hour, minute, second, , offsetHour, offsetMinute] = match as unknown as string[];
  return isRealDay(year as string, month as string, day as string) && isRealTime(hour as string, minute as string, second as string)
    && (offsetHour === undefined || (Number(offsetHour) <= 23 && Number(offsetMinute) <= 59));
}

/** A `timestamptz` as PostgreSQL prints it, naming a real instant (for keys that round-trip through clients). */
export function isPostgresTimestampText(value: string): boolean {
  const match = PG_TIMESTAMP.exec(value);
  if (match === null) return false;
  const [, year, month, day, hour, minute, second, offsetHour, offsetMinute, offsetSecond] = match as unknown as string[];
  return isRealDay(year as string, month as string, day as string) && isRealTime(hour as string, minute as string, second as string)
    && Number(offsetHour) <= 15 && Number(offsetMinute ?? 0) <= 59 && Number(offsetSecond ?? 0) <= 59;
}

interface FormatRegistry {
  addFormat(name: string, format: (value: string) => boolean): unknown;
}

/**
 * Makes the JSON-schema formats `date` and `date-time` mean {@link isCalendarDate} and
 * {@link isDateTime} in an Ajv instance (for `ajv.onCreate`: after the standard formats, which
 * accept year 0000 and leap seconds that PostgreSQL refuses).
 */
export function installDateFormats(ajv: FormatRegistry): void {
  ajv.addFormat('date', isCalendarDate);
  ajv.addFormat('date-time', isDateTime);
}
