import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  DEFAULT_CROUS_TIME_ZONE,
  formatCrousLocalDateTime,
  formatZdcCreationDate,
  isValidTimeZone,
  parseCrousDateTime,
  zoneOffsetMs,
} from './crous-dates.ts';

const HOUR = 3_600_000;
// 2000-01-01 .. 2100-01-01, millisecond precision.
const instants = fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 }).map((ms) => new Date(ms));

describe('CROUS dates: the dueDate quirk', () => {
  it('writes Paris wall-clock time with a literal Z, in winter and in summer', () => {
    assert.equal(formatCrousLocalDateTime(new Date('2025-01-15T10:00:00.000Z')), '2025-01-15T11:00:00.000Z');
    assert.equal(formatCrousLocalDateTime(new Date('2025-08-31T21:59:59.123Z')), '2025-08-31T23:59:59.123Z');
    assert.equal(formatCrousLocalDateTime(new Date('2025-08-31T22:00:00.000Z')), '2025-09-01T00:00:00.000Z');
    assert.equal(formatCrousLocalDateTime(new Date('2025-08-31T22:00:00.000Z'), 'Indian/Reunion'), '2025-09-01T02:00:00.000Z');
    assert.equal(formatCrousLocalDateTime(new Date('2025-08-31T22:00:00.000Z'), 'UTC'), '2025-08-31T22:00:00.000Z');
    assert.match(formatCrousLocalDateTime(new Date()), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(DEFAULT_CROUS_TIME_ZONE, 'Europe/Paris');
  });

  it('reads Z and no offset as wall-clock time, numeric offsets as written, any precision', () => {
    const expected = new Date('2031-04-15T23:59:59.000Z');
    for (const text of [
      '2031-04-16T01:59:59.000Z',
      '2031-04-16T01:59:59Z',
      '2031-04-16T01:59:59',
      '2031-04-16T01:59:59.000+02',
      '2031-04-16T01:59:59.000000000+02:00',
      '2031-04-16T01:59:59+0200',
      '2031-04-15T23:59:59.000-00:00',
    ]) {
      assert.deepEqual(parseCrousDateTime(text), expected, text);
    }
    assert.deepEqual(parseCrousDateTime('2025-06-15T10:30:45.123456789Z'), new Date('2025-06-15T08:30:45.123Z'));
    assert.deepEqual(parseCrousDateTime('2025-06-15T10:30'), new Date('2025-06-15T08:30:00.000Z'));
  });

  it('refuses what is not a date-time or names a day or time that does not exist', () => {
    for (const text of ['', '2025-02-30T10:00:00Z', '2025-13-01T00:00:00Z', '2025-01-01T24:00:00Z', '2025-01-01 10:00:00', '01/02/2025', '2025-01-01T10:00:00+19']) {
      assert.equal(parseCrousDateTime(text), undefined, text);
    }
  });

  it('DST: the skipped spring hour moves forward, the repeated autumn hour takes its first occurrence', () => {
    assert.deepEqual(parseCrousDateTime('2025-03-30T02:30:00.000Z'), new Date('2025-03-30T01:30:00.000Z'));
    assert.deepEqual(parseCrousDateTime('2025-10-26T02:30:00.000Z'), new Date('2025-10-26T00:30:00.000Z'));
    assert.equal(formatCrousLocalDateTime(new Date('2025-10-26T01:30:00.000Z')), '2025-10-26T02:30:00.000Z');
  });

  it('round trip (property): the wall clock written is the one read back; the instant too, except in the repeated hour', () => {
    fc.assert(fc.property(instants, fc.constantFrom('Europe/Paris', 'America/Cayenne', 'Pacific/Noumea', 'UTC'), (instant, zone) => {
      const text = formatCrousLocalDateTime(instant, zone);
      const back = parseCrousDateTime(text, zone);
      assert.ok(back !== undefined, text);
      assert.equal(formatCrousLocalDateTime(back, zone), text);
      const drift = instant.getTime() - back.getTime();
      const nearTransition = [-2, 2].some((h) => zoneOffsetMs(instant.getTime() + h * HOUR, zone) !== zoneOffsetMs(instant.getTime(), zone));
      if (!nearTransition) assert.equal(drift, 0, text);
      else assert.ok(drift === 0 || drift === HOUR, `${text}: drift ${drift}`);
    }), { numRuns: 500 });
  });

  it('a date read with an explicit offset is the same instant whatever the zone setting (property)', () => {
    fc.assert(fc.property(instants, fc.constantFrom('Europe/Paris', 'Indian/Reunion'), (instant, zone) => {
      assert.deepEqual(parseCrousDateTime(instant.toISOString().replace('Z', '+00:00'), zone), instant);
    }));
  });

  it('zdcCreationDate is the UTC instant with Z (pattern ss.SSSX); simple helpers', () => {
    assert.equal(formatZdcCreationDate(new Date('2024-09-01T08:00:00+02:00')), '2024-09-01T06:00:00.000Z');
    assert.throws(() => formatZdcCreationDate(new Date(Number.NaN)), RangeError);
    assert.throws(() => formatCrousLocalDateTime(new Date(Number.NaN)), RangeError);
    assert.ok(isValidTimeZone('Europe/Paris'));
    assert.ok(!isValidTimeZone('Europe/Atlantis'));
  });
});
