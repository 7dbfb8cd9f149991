import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseEsupDate, parseIsoDate, parseMigrationCsv, zonedInstant } from './migration-file.ts';

const encode = (text: string) => new TextEncoder().encode(text);

/** Paris wall-clock fields of an instant, read by Intl (an oracle independent of zonedInstant). */
function parisFields(date: Date): [number, number, number, number, number, number] {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Europe/Paris', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return [get('year'), get('month'), get('day'), get('hour'), get('minute'), get('second')];
}

test('a Paris wall-clock time read back gives the instant it was written from (outside the autumn overlap)', () => {
  fc.assert(fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), (millis) => {
    const instant = new Date(Math.floor(millis / 1000) * 1000);
    const fields = parisFields(instant);
    const back = zonedInstant(fields, 'Europe/Paris');
    // In the hour repeated when clocks go back, the earlier instant is chosen: same wall clock either way.
    assert.deepEqual(parisFields(back), fields);
    assert.ok(back.getTime() <= instant.getTime() && instant.getTime() - back.getTime() <= 3_600_000);
  }), { numRuns: 1000 });
});

test('ESUP-SGC and ISO dates: valid days only, offsets honoured', () => {
  assert.equal(parseEsupDate('28/01/2015 14:40:35', 'Europe/Paris')?.toISOString(), '2015-01-28T13:40:35.000Z');
  assert.equal(parseEsupDate('30/02/2015 14:40:35', 'Europe/Paris'), undefined);
  assert.equal(parseEsupDate('2015-01-28 14:40:35', 'Europe/Paris'), undefined);
  assert.equal(parseIsoDate('2024-07-01T12:00:00', 'Europe/Paris')?.toISOString(), '2024-07-01T10:00:00.000Z');
  assert.equal(parseIsoDate('2024-07-01T12:00:00Z', 'Europe/Paris')?.toISOString(), '2024-07-01T12:00:00.000Z');
  assert.equal(parseIsoDate('2024-07-01T12:00:00+02:00', 'Europe/Paris')?.toISOString(), '2024-07-01T10:00:00.000Z');
  assert.equal(parseIsoDate('2024-13-01', 'Europe/Paris'), undefined);
  // Clocks going back: 02:30 happens twice, the first (summer time) is taken; going forward: 02:30 never happens.
  assert.equal(zonedInstant([2024, 10, 27, 2, 30, 0], 'Europe/Paris').toISOString(), '2024-10-27T00:30:00.000Z');
  assert.equal(zonedInstant([2024, 3, 31, 2, 30, 0], 'Europe/Paris').toISOString(), '2024-03-31T01:30:00.000Z');
});

test('an ESUP-SGC line: its state, CSN, consents, ids and the ESCN of its QR code; a bad line names its column', () => {
  const header = 'encodedDate;lastEncodedDate;csn;crous;access-control-id;eppn;difPhoto;id;etat;generatedIds;qrcode';
  const escn = '23cb4de9-56d8-103d-83e9-123999999999';
  const parsed = parseMigrationCsv(encode([
    header,
    `28/01/2015 14:40:35;14/06/2017 23:05:29;803412abcd5704;Autorisée;100020000002120;Testju@univ-rouen.fr;Oui;42;ENABLED;access-control=100020000002120|bu=123;http://esc.gg/${escn}`,
    '28/01/2015 14:40:35;;zz;Peut-être;;x@y.fr;Non;43;FLYING;;',
  ].join('\n')));
  assert.equal(parsed.format, 'esup-sgc');
  assert.deepEqual(parsed.fileErrors, []);
  const [card] = parsed.cards;
  assert.ok(card);
  assert.deepEqual({ line: card.line, id: card.sourceId, eppn: card.person.eppn, state: card.state, csn: card.csn, escn: card.escn, pic: card.escnPic,
    ac: card.accessControlId, secondary: card.secondaryId, photo: card.photo, consents: card.consents.map((c) => `${c.kind}:${c.granted}`) }, {
    line: 2, id: '42', eppn: 'testju@univ-rouen.fr', state: 'ENABLED', csn: '803412ABCD5704', escn, pic: '999999999',
    ac: '100020000002120', secondary: '123', photo: 'photos/42.jpg', consents: ['crous:true', 'photo_publication:true'],
  });
  assert.equal(card.enabledAt?.toISOString(), '2015-01-28T13:40:35.000Z');
  assert.equal(card.stateChangedAt?.toISOString(), '2017-06-14T21:05:29.000Z');
  assert.deepEqual(parsed.errors.map((error) => `${error.line}:${error.field}:${error.code}`), ['3:csn:csn_invalid', '3:etat:unknown_state', '3:crous:consent_invalid']);
});

test('the generic format: a header with an unknown or missing column is refused at line 1', () => {
  const unknown = parseMigrationCsv(encode('card_id;eppn;state;colour\n1;a@b.fr;NEW;blue\n'));
  assert.equal(unknown.fileErrors[0]?.code, 'header_invalid');
  assert.equal(unknown.fileErrors[0]?.line, 1);
  const missing = parseMigrationCsv(encode('card_id,eppn\n1,a@b.fr\n'));
  assert.match(missing.fileErrors[0]?.message ?? '', /missing column\(s\) state/);
  const ok = parseMigrationCsv(encode('\uFEFFcard_id,eppn,state,expires_at\n1,A@B.fr,enabled,2027-08-31\n2,c@d.fr,NEW,2027-02-30\n'));
  assert.equal(ok.delimiter, ',');
  assert.equal(ok.cards[0]?.state, 'ENABLED');
  assert.equal(ok.cards[0]?.person.eppn, 'a@b.fr');
  assert.deepEqual(ok.errors.map((error) => `${error.line}:${error.field}:${error.code}`), ['3:expires_at:date_invalid']);
});
