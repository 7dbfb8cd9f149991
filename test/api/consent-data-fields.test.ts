/**
 * The consent definitions served to the web app list exactly the personal data each connector
 * sends: the same field ids as the connector definitions the payloads are built from.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';
import { CROUS_DATA_FIELDS } from '../../src/modules/crous/domain/crous-data-fields.ts';
import { ESC_DATA_FIELDS } from '../../src/modules/esc/domain/esc-data-fields.ts';
import { connectorFieldIds, PERSONAL_DATA_FIELDS } from '../../src/modules/people/domain/personal-data-fields.ts';
import { PUBLISHED_HOLDER_FIELDS } from '../../src/modules/verification/domain/published-holder-fields.ts';

let t: TestApp;

before(async () => { t = await startTestApp(); });
after(async () => { await t.close(); });

type Texts = { items: Array<{ kind: string; locale: string; fields: string[] }> };

test('GET /consent-texts lists, for each consent, exactly the fields its connector sends', async () => {
  for (const locale of ['fr', 'en']) {
    const answer = await t.anonymous.get<Texts>(`/api/v1/consent-texts?locale=${locale}`);
    assert.equal(answer.status, 200);
    const fields = Object.fromEntries(answer.body.items.map((text) => [text.kind, text.fields]));
    assert.deepEqual(fields, {
      esc: connectorFieldIds(ESC_DATA_FIELDS),
      crous: connectorFieldIds(CROUS_DATA_FIELDS),
      photo_publication: connectorFieldIds(PUBLISHED_HOLDER_FIELDS),
    });
  }
});

test('what issue 14 found missing is listed: name and e-mail for ESC, birth date for CROUS; a photo only for publication', async () => {
  const answer = await t.anonymous.get<Texts>('/api/v1/consent-texts');
  const fields = new Map(answer.body.items.map((text) => [text.kind, text.fields]));
  for (const field of ['fullName', 'email', 'esi', 'escn', 'cardExpiry', 'cardState', 'academicLevel', 'institutionPic']) {
    assert.ok(fields.get('esc')?.includes(field), `esc lists ${field}`);
  }
  for (const field of ['fullName', 'birthDate', 'email', 'ine', 'cardCsn', 'rightsEnd']) {
    assert.ok(fields.get('crous')?.includes(field), `crous lists ${field}`);
  }
  assert.deepEqual(fields.get('photo_publication'), ['fullName', 'photo']);
  assert.ok(!fields.get('esc')?.includes('photo') && !fields.get('esc')?.includes('birthDate'));
  // Listed in the vocabulary's order, so the summary reads the same everywhere.
  for (const list of fields.values()) {
    const order = list.map((field) => PERSONAL_DATA_FIELDS.indexOf(field as (typeof PERSONAL_DATA_FIELDS)[number]));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    assert.ok(order.every((index) => index >= 0));
  }
});
