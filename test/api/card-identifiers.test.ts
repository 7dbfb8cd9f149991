import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import type { CardDetailView, CardListResult } from '../../src/modules/cards/cards.service.ts';
import type { IdentifierDefinitionsView } from '../../src/modules/card-identifiers/card-identifiers.service.ts';
import { inTransaction } from '../../src/platform/db/database.ts';
import { stripCheckDigit } from '../../src/modules/card-identifiers/domain/check-digits.ts';
import { configureInstitution, createInstitution, createPerson, enabledCard, institutionCode, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';

/**
 * Card identifiers through the API, on the configured database: definitions per institution
 * (scoped), assignment with each new card (unique under concurrent creations), the card page,
 * the card list's exact search, and identifiers kept from another system.
 */
let w: CardsWorld;
let codeA: string;
let idB: number;
let managerA: TestClient;
let managerB: TestClient;

const DEFINITION = {
  accessControl: { enabled: true, offset: '1234500000000000', length: 16 },
  secondary: { enabled: true, prefix: 'B', offset: '0', length: 8, checkDigit: 'luhn' },
};

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  codeA = await institutionCode(t, 1);
  idB = await createInstitution(w, { code: 'ecole-b', name: 'École B', pic: '888888888' });
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  managerB = await t.loginAs('manager', { institutions: ['ecole-b'] });
});
after(async () => { await w.t.close(); });

test('a manager defines their institution\'s identifiers; another institution\'s manager can neither read nor change them', async () => {
  const empty = await managerA.get<IdentifierDefinitionsView>(`/api/v1/institutions/${codeA}/card-identifiers`);
  assert.equal(empty.status, 200, empty.text);
  assert.equal(empty.body.accessControl.enabled, false);
  assert.equal(empty.body.accessControl.nextValue, null);

  const saved = await managerA.put<IdentifierDefinitionsView>(`/api/v1/institutions/${codeA}/card-identifiers`, DEFINITION);
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.body.accessControl.nextValue, '1234500000000001');
  assert.equal(saved.body.secondary.nextValue, 'B000000018');

  for (const response of [
    await managerB.get(`/api/v1/institutions/${codeA}/card-identifiers`),
    await managerB.put(`/api/v1/institutions/${codeA}/card-identifiers`, { ...DEFINITION, accessControl: { ...DEFINITION.accessControl, offset: '0' } }),
  ]) {
    assert.equal(response.status, 404, response.text);
    assert.equal(response.body.code, 'institution_not_found');
  }
  const viewer = await w.t.loginAs('viewer');
  assert.equal((await viewer.get(`/api/v1/institutions/${codeA}/card-identifiers`)).status, 403);
  const limited = await w.t.loginAs('manager', { institutions: [codeA], personTypes: ['student'] });
  const refused = await limited.put(`/api/v1/institutions/${codeA}/card-identifiers`, DEFINITION);
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'identifiers_need_all_person_types');
  // Unchanged by the refused attempts.
  const after = await managerA.get<IdentifierDefinitionsView>(`/api/v1/institutions/${codeA}/card-identifiers`);
  assert.equal(after.body.accessControl.offset, '1234500000000000');
});

test('bad definitions are 4xx problems naming the field, and nothing is written', async () => {
  const before = await managerA.get<IdentifierDefinitionsView>(`/api/v1/institutions/${codeA}/card-identifiers`);
  const tooLong = await managerA.put(`/api/v1/institutions/${codeA}/card-identifiers`, {
    ...DEFINITION, accessControl: { enabled: true, offset: '99999', length: 5 },
  });
  assert.equal(tooLong.status, 422, tooLong.text);
  assert.match(String(tooLong.headers['content-type']), /application\/problem\+json/);
  assert.equal(tooLong.body.code, 'validation_failed');
  assert.equal(tooLong.body.field, '/accessControl/offset');
  const prefix = await managerA.put(`/api/v1/institutions/${codeA}/card-identifiers`, { ...DEFINITION, secondary: { ...DEFINITION.secondary, prefix: 'b-' } });
  assert.equal(prefix.status, 422);
  assert.equal(prefix.body.field, '/secondary/prefix');
  for (const body of [
    { ...DEFINITION, secondary: { ...DEFINITION.secondary, checkDigit: 'crc' } },
    { ...DEFINITION, accessControl: { ...DEFINITION.accessControl, length: 65 } },
    { ...DEFINITION, accessControl: { ...DEFINITION.accessControl, offset: '12a' } },
    { accessControl: DEFINITION.accessControl },
  ]) {
    const response = await managerA.put(`/api/v1/institutions/${codeA}/card-identifiers`, body);
    assert.equal(response.status, 400, response.text);
    assert.match(String(response.headers['content-type']), /application\/problem\+json/);
  }
  const unchanged = await managerA.get<IdentifierDefinitionsView>(`/api/v1/institutions/${codeA}/card-identifiers`);
  assert.deepEqual(unchanged.body, before.body);
});

test('a new card gets its identifiers, shown on its page and found exactly by the card list; not by another institution\'s manager', async () => {
  const person = await createPerson(w.t, { institution: codeA });
  const created = await requestCard(w, person.id, managerA);
  const card = await managerA.get<CardDetailView>(`/api/v1/cards/${created.id}`);
  assert.equal(card.status, 200);
  const ids = card.body.identifiers;
  assert.ok(ids?.accessControlId && ids.secondaryId, JSON.stringify(ids));
  assert.match(ids.accessControlId, /^12345\d{11}$/);
  assert.match(ids.secondaryId, /^B\d{9}$/);
  assert.ok(stripCheckDigit(ids.secondaryId.slice(1), 'luhn'), 'the Luhn check digit holds');

  for (const q of [ids.accessControlId, ids.secondaryId, ids.secondaryId.toLowerCase()]) {
    const found = await managerA.get<CardListResult>(`/api/v1/cards?q=${encodeURIComponent(q)}`);
    assert.equal(found.status, 200);
    assert.deepEqual(found.body.items.map((item) => item.id), [created.id], q);
    const hidden = await managerB.get<CardListResult>(`/api/v1/cards?q=${encodeURIComponent(q)}`);
    assert.deepEqual(hidden.body.items, [], 'another institution\'s manager does not find it');
  }
  // An institution without definitions gives its cards none.
  const personB = await createPerson(w.t, { institution: 'ecole-b' });
  const cardB = await requestCard(w, personB.id, managerB);
  const readB = await managerB.get<CardDetailView>(`/api/v1/cards/${cardB.id}`);
  assert.deepEqual(readB.body.identifiers, { accessControlId: null, secondaryId: null });
});

test('cards created concurrently get distinct, consecutive identifiers', async () => {
  const persons = await Promise.all(Array.from({ length: 12 }, () => createPerson(w.t, { institution: codeA })));
  const start = (await managerA.get<IdentifierDefinitionsView>(`/api/v1/institutions/${codeA}/card-identifiers`)).body;
  const cards = await Promise.all(persons.map((person) => requestCard(w, person.id, managerA)));
  const identifiers = await w.t.runtime.services.cardIdentifiers.ofCards(w.t.runtime.database.db, cards.map((card) => card.id));
  const accessControl = cards.map((card) => identifiers.get(card.id)?.accessControlId);
  const secondary = cards.map((card) => identifiers.get(card.id)?.secondaryId);
  assert.equal(new Set(accessControl).size, 12);
  assert.equal(new Set(secondary).size, 12);
  const sequences = accessControl.map((value) => Number(BigInt(value ?? '0') - 1234500000000000n)).sort((a, b) => a - b);
  assert.deepEqual(sequences, Array.from({ length: 12 }, (_, i) => start.accessControl.next + i), 'gap-free, from the next number');
  const end = (await managerA.get<IdentifierDefinitionsView>(`/api/v1/institutions/${codeA}/card-identifiers`)).body;
  assert.equal(end.accessControl.next, start.accessControl.next + 12);
});

test('identifiers kept from another system are stored as they are, refused when taken, and new cards skip past them', async () => {
  const db = w.t.runtime.database.db;
  const { cardIdentifiers } = w.t.runtime.services;
  // Cards of B (no definitions: they carry none) stand for the imported cards.
  const persons = await Promise.all(Array.from({ length: 3 }, () => createPerson(w.t, { institution: 'ecole-b' })));
  const cards = await Promise.all(persons.map((person) => requestCard(w, person.id, managerB)));
  const [first, second, third] = cards.map((card) => card.id) as [string, string, string];
  await inTransaction(db, { actor: 'test' }, (trx) => cardIdentifiers.keepImported(trx, [
    { cardId: first, institutionId: idB, accessControlId: '0000000000000500', secondaryId: 'OLD-42' },
    { cardId: second, institutionId: idB, accessControlId: null, secondaryId: null },
  ]));
  const kept = await cardIdentifiers.ofCards(db, [first, second]);
  assert.deepEqual(kept.get(first), { accessControlId: '0000000000000500', secondaryId: 'OLD-42' });
  assert.equal(kept.get(second), undefined, 'nothing stored for a card without identifiers');

  // Taken by another card of the institution, or given twice: 409, nothing written.
  await assert.rejects(inTransaction(db, { actor: 'test' }, (trx) => cardIdentifiers.keepImported(trx, [
    { cardId: third, institutionId: idB, accessControlId: '0000000000000500', secondaryId: null },
  ])), (error: { status?: number; code?: string }) => error.status === 409 && error.code === 'identifier_taken');
  await assert.rejects(inTransaction(db, { actor: 'test' }, (trx) => cardIdentifiers.keepImported(trx, [
    { cardId: second, institutionId: idB, accessControlId: null, secondaryId: 'X1' },
    { cardId: third, institutionId: idB, accessControlId: null, secondaryId: 'X1' },
  ])), (error: { status?: number; code?: string }) => error.status === 409 && error.code === 'identifier_taken');
  assert.equal((await cardIdentifiers.ofCards(db, [second, third])).size, 0);

  // Defining B afterwards moves its sequence past the imported id its definition could give.
  const saved = await managerB.put<IdentifierDefinitionsView>('/api/v1/institutions/ecole-b/card-identifiers', {
    accessControl: { enabled: true, offset: '0', length: 16, next: 1 },
    secondary: { enabled: false, prefix: '', offset: '0', length: 0, checkDigit: 'none' },
  });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.body.accessControl.next, 501);
  // An admin moving the sequence back onto carried ids: new cards skip them.
  await sql`UPDATE card_identifier_sequences SET access_control_next = 500 WHERE institution_id = ${idB}`.execute(db);
  const person = await createPerson(w.t, { institution: 'ecole-b' });
  const fresh = await requestCard(w, person.id, managerB);
  assert.equal((await cardIdentifiers.ofCards(db, [fresh.id])).get(fresh.id)?.accessControlId, '0000000000000501');
});

test('a renewal is a new card with new identifiers; the renewed card keeps its own', async () => {
  const person = await createPerson(w.t, { institution: codeA });
  const first = await enabledCard(w, person.id);
  const renewed = await managerA.post<CardDetailView>(`/api/v1/cards/${first.id}/renew`);
  assert.equal(renewed.status, 201, renewed.text);
  const ids = await w.t.runtime.services.cardIdentifiers.ofCards(w.t.runtime.database.db, [first.id, renewed.body.id]);
  const [old, fresh] = [ids.get(first.id), ids.get(renewed.body.id)];
  assert.ok(old?.accessControlId && fresh?.accessControlId && old.secondaryId && fresh.secondaryId);
  assert.notEqual(fresh.accessControlId, old.accessControlId);
  assert.notEqual(fresh.secondaryId, old.secondaryId);
  const again = (await managerA.get<CardDetailView>(`/api/v1/cards/${first.id}`)).body.identifiers;
  assert.deepEqual(again, old, 'kept for the card\'s life');
});
