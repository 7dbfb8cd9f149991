/**
 * Calendar arithmetic on `YYYY-MM-DD` days, as card validity and statistics count them. Pure: no
 * clock, and no time zone once a day is a day (turning an instant into a local day is the caller's).
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` of a date in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function parts(day: string): [number, number, number] {
  const match = DAY.exec(day);
  if (!match) throw new Error(`not a day: ${day}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** Adds (or, negative, subtracts) calendar days to a day. */
export function addDays(day: string, days: number): string {
  const [year, month, date] = parts(day);
  return isoDay(new Date(Date.UTC(year, month - 1, date + days)));
}

/** Adds calendar months to a day, keeping the day of month where it exists (Jan 31 + 1 → Feb 28/29). */
export function addMonths(day: string, months: number): string {
  const [year, month, date] = parts(day);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date, lastDay));
  return isoDay(target);
}
