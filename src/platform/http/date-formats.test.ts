import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MIN_YEAR, isCalendarDate, isDateTime, isPostgresTimestampText } from './date-formats.ts';

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

test('a calendar date is accepted exactly when it names a day that exists, years 1900 to 9999', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 10_500 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (year, month, day) => {
    const text = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
    // JavaScript's own calendar: the day exists when it survives a round trip through Date.
    const date = new Date(Date.UTC(2000, month - 1, day));
    date.setUTCFullYear(year);
    const exists = month >= 1 && month <= 12 && day >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
    assert.equal(isCalendarDate(text), exists && year >= MIN_YEAR && year <= 9999, text);
  }), { seed: 8, numRuns: 5000 });
  for (const bad of ['2026-02-30', '99999-01-01', '2026-99-99', '0000-01-01', '2026-1-01', '2026-01-01 ', ' 2026-01-01', '2026-01-01T00:00:00Z']) {
    assert.equal(isCalendarDate(bad), false, bad);
  }
  assert.equal(isCalendarDate('2024-02-29'), true);
  assert.equal(isCalendarDate('2100-02-29'), false);
  assert.equal(isCalendarDate('2000-02-29'), true);
});

test('a date-time needs a real day, a real time and an offset', () => {
  for (const good of ['2026-01-31T10:00:00Z', '2026-01-31T23:59:59.999999+14:00', '1900-01-01T00:00:00-05:30']) assert.equal(isDateTime(good), true, good);
  for (const bad of ['2026-01-31T10:00:00', '2026-02-30T10:00:00Z', '2026-01-31T24:00:00Z', '2026-01-31T10:60:00Z', '2026-01-31T10:00:60Z',
    '2026-01-31T10:00:00+24:00', '2026-01-31 10:00:00Z', '+099999-01-01T00:00:00Z', '2026-01-31T10:00:00.Z']) {
    assert.equal(isDateTime(bad), false, bad);
  }
});

test('PostgreSQL timestamp text: the shapes PostgreSQL prints, naming real instants only', () => {
  for (const good of ['2026-01-31 12:34:56.123456+00', '2026-01-31 12:34:56+05:30', '1911-03-10 23:59:59+00:09:21']) {
    assert.equal(isPostgresTimestampText(good), true, good);
  }
  for (const bad of ['2026-02-30 10:00:00+00', '2026-99-99 99:99:99+00', '2026-01-31 12:34:56', '2026-01-31T12:34:56+00', '2026-01-31 12:34:56+16']) {
    assert.equal(isPostgresTimestampText(bad), false, bad);
  }
});
