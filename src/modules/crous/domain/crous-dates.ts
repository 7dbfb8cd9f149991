/**
 * Date formats of the API CROUS (shared/domain/crous-izly.md), kept in one place because one of
 * them is a quirk that must be reproduced exactly.
 *
 * - `dueDate`, `cancelDate`, `revalidationDate` are written `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` but hold
 *   the **wall-clock time of the CROUS's time zone** followed by a literal `Z` (the API was built
 *   on a date type without zone and the `Z` is part of its pattern). "Local" is a setting: the
 *   IANA zone of the CROUS, `Europe/Paris` by default (every CROUS in mainland France; an overseas
 *   CROUS would set its own, e.g. `Indian/Reunion`). Never the server's own zone: campuscard may
 *   run in UTC while the CROUS reads the digits as Paris time.
 * - Read back, a date may come with any precision (none to nanoseconds) and with `Z`, no offset,
 *   or a numeric offset (`+02`, `+0200`, `+02:00`). `Z` and no offset are read as wall-clock time
 *   of the zone (the same quirk in the other direction); a numeric offset is honoured as written.
 * - `zdcCreationDate` is `yyyy-MM-dd'T'HH:mm:ss.SSSX`: a real offset, written here in UTC (`Z`).
 *
 * Wall-clock times that do not exist (the hour skipped in spring) move forward by the gap; those
 * that happen twice (the hour repeated in autumn) take the first occurrence.
 */

/** Zone the CROUS reads its dates in, unless the institution's settings name another. */
export const DEFAULT_CROUS_TIME_ZONE = 'Europe/Paris';

const DATE_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const DAY_MS = 24 * 60 * 60 * 1000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is an IANA zone this runtime knows (settings are checked with it). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

// Zones change offset on quarter-hour boundaries of UTC (every transition of the rules in force
// since the 1970s; older local-mean-time changes are not), so one lookup serves a whole quarter
// hour; Intl.formatToParts costs tens of microseconds and every date read or written needs several.
const QUARTER_HOUR_MS = 15 * 60 * 1000;
const OFFSET_CACHE_LIMIT = 20_000;
const offsets = new Map<string, number>();

/** Offset of `timeZone` from UTC at `instantMs`, in milliseconds (Paris: +3600000 or +7200000). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const key = `${timeZone}|${Math.floor(instantMs / QUARTER_HOUR_MS)}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  const offset = computeZoneOffsetMs(Math.floor(instantMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS, timeZone);
  if (offsets.size >= OFFSET_CACHE_LIMIT) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

function computeZoneOffsetMs(instantMs: number, timeZone: string): number {
  const seconds = Math.floor(instantMs / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(seconds))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return wall - seconds;
}

/**
 * The instant at which the clocks of `timeZone` show `wallMs` (a wall-clock time expressed as if
 * it were UTC). Skipped times move forward by the gap; repeated times take the first occurrence.
 */
export function wallClockToInstant(wallMs: number, timeZone: string): number {
  const before = zoneOffsetMs(wallMs - DAY_MS, timeZone);
  const after = zoneOffsetMs(wallMs + DAY_MS, timeZone);
  const candidates = [...new Set([wallMs - before, wallMs - after])]
    .filter((instant) => instant + zoneOffsetMs(instant, timeZone) === wallMs)
    .sort((a, b) => a - b);
  return candidates[0] ?? wallMs - before;
}

/**
 * Writes an instant the way the CROUS wants `dueDate`, `cancelDate` and `revalidationDate`:
 * the wall-clock time of `timeZone`, milliseconds, and a literal `Z` (see the module comment).
 */
export function formatCrousLocalDateTime(instant: Date, timeZone: string = DEFAULT_CROUS_TIME_ZONE): string {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('cannot format an invalid date for the CROUS');
  return new Date(ms + zoneOffsetMs(ms, timeZone)).toISOString();
}

/**
 * Reads a date-time the CROUS sent: any precision, `Z` or no offset as wall-clock time of
 * `timeZone`, a numeric offset as written. Undefined when the text is not such a date-time or
 * names a day or time that does not exist (2025-02-30, 24:00).
 */
export function parseCrousDateTime(text: string, timeZone: string = DEFAULT_CROUS_TIME_ZONE): Date | undefined {
  const match = DATE_TIME_PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const [, y = '', mo = '', d = '', h = '', mi = '', s = '0', fraction = '', offset] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const check = new Date(wallMs);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1 || year < 1) return undefined;
  if (offset === undefined || offset === 'Z') return new Date(wallClockToInstant(wallMs, timeZone));
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMinutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (offsetHours > 18 || offsetMinutes > 59) return undefined;
  return new Date(wallMs - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}

/** `zdcCreationDate` (`yyyy-MM-dd'T'HH:mm:ss.SSSX`): the instant in UTC, so `X` is `Z`. */
export function formatZdcCreationDate(instant: Date): string {
  if (!Number.isFinite(instant.getTime())) throw new RangeError('cannot format an invalid date for the CROUS');
  return instant.toISOString();
}

/** `simpleBirthDate`: a calendar day `YYYY-MM-DD` is sent as is, no birth date as the empty string. */
export function formatSimpleBirthDate(day: string | null | undefined): string {
  return day === null || day === undefined ? '' : day;
}
