import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApp, type TestClient } from '../helpers/test-app.ts';
import type { CardView } from '../../src/modules/cards/cards.service.ts';
import type { PersonView } from '../../src/modules/people/people.service.ts';
import { FOLD_FROM, foldSearchText, searchName } from '../../src/modules/people/domain/search-text.ts';
import { configureInstitution, createInstitution, createPerson, institutionCode, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';

/**
 * Search that ignores case and accents and finds names by their parts (issue 12), for persons and
 * cards, within the reader's scope: institution A holds the names, institution B holds one
 * "Lefèvre" of its own, and managers of B, or of A limited to staff, reach only what is theirs.
 */
let w: CardsWorld;
let codeA: string;
let managerA: TestClient;
let managerB: TestClient;
let staffManagerA: TestClient;
const ids: Record<string, string> = {};

const NAMES: Record<string, { lastName: string; firstName: string; personType?: string; institution?: 'B' }> = {
  accented: { lastName: 'Lefèvre', firstName: 'Hélène' },
  plain: { lastName: 'LEFEVRE', firstName: 'Marc', personType: 'staff' },
  hyphenated: { lastName: 'Dupont-Moretti', firstName: 'Jean-Pierre' },
  particle: { lastName: 'van der Berg', firstName: 'Åsa' },
  french: { lastName: 'de La Fontaine', firstName: 'Œnone' },
  apostrophe: { lastName: "D'Alembert", firstName: 'Jean Le Rond' },
  elsewhere: { lastName: 'Lefèvre', firstName: 'Björn', institution: 'B' },
};

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  codeA = await institutionCode(t, 1);
  await createInstitution(w, { code: 'ecole-b', name: 'École B', pic: '888888888' });
  managerA = await t.loginAs('manager', { institutions: [codeA] });
  managerB = await t.loginAs('manager', { institutions: ['ecole-b'] });
  staffManagerA = await t.loginAs('manager', { institutions: [codeA], personTypes: ['staff'] });
  for (const [key, name] of Object.entries(NAMES)) {
    const institution = name.institution === 'B' ? 'ecole-b' : codeA;
    const person = await createPerson(t, { lastName: name.lastName, firstName: name.firstName, personType: name.personType ?? 'student', institution });
    ids[key] = person.id;
    await requestCard(w, person.id, w.admin, institution);
  }
});
after(async () => { await w.t.close(); });

/** The keys of NAMES whose person the client finds with `q`, in the persons list and in the card list. */
async function found(client: TestClient, q: string): Promise<{ persons: string[]; cards: string[] }> {
  const persons = await client.get<{ items: PersonView[] }>(`/api/v1/persons?q=${encodeURIComponent(q)}&limit=200`);
  assert.equal(persons.status, 200, persons.text);
  const cards = await client.get<{ items: CardView[] }>(`/api/v1/cards?q=${encodeURIComponent(q)}&limit=200`);
  assert.equal(cards.status, 200, cards.text);
  const keyOf = (id: string) => Object.keys(ids).find((key) => ids[key] === id) ?? id;
  return {
    persons: [...new Set(persons.body.items.map((person) => keyOf(person.id)))].sort(),
    cards: cards.body.items.map((card) => keyOf(card.personId)).sort(),
  };
}

async function assertFinds(client: TestClient, q: string, keys: string[]): Promise<void> {
  const expected = [...keys].sort();
  assert.deepEqual(await found(client, q), { persons: expected, cards: expected }, `search "${q}"`);
}

test('the SQL fold of the stored search text and the fold of typed words agree, character for character', async () => {
  // Every Latin letter with diacritics (Latin-1 Supplement to Latin Extended-B, Latin Extended Additional).
  const latin = [[0xc0, 0x24f], [0x1e00, 0x1eff]]
    .flatMap(([from = 0, to = 0]) => Array.from({ length: to - from + 1 }, (_, index) => String.fromCodePoint(from + index)));
  const alphabet = [...'abcXYZ09 .@-\'’', ...latin, ...FOLD_FROM, 'æ', 'œ', 'ß', 'þ', 'ĳ', '\u0301', '\u0308'];
  const values = [...alphabet, ...fc.sample(fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 24 }), { numRuns: 500, seed: 12 })];
  const result = await w.t.runtime.database.pool.query<{ folded: string; name: string }>(
    'SELECT search_fold(v) AS folded, search_name(v) AS name FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY n', [values]);
  values.forEach((value, index) => {
    assert.equal(result.rows[index]?.folded, foldSearchText(value), `search_fold(${JSON.stringify(value)})`);
    assert.equal(result.rows[index]?.name, searchName(value), `search_name(${JSON.stringify(value)})`);
  });
});

test('accents and case: "lefevre" finds "Lefèvre", "LEFÈVRE" finds "Lefevre", for persons and cards', async () => {
  for (const q of ['lefevre', 'LEFÈVRE', 'Lefèvre', 'lefévre', 'LeFeVrE']) await assertFinds(managerA, q, ['accented', 'plain']);
  await assertFinds(managerA, 'helene', ['accented']);
  await assertFinds(managerA, 'HÉLÈNE LEFEVRE', ['accented']);
  await assertFinds(managerA, 'asa', ['particle']);
  await assertFinds(managerA, 'oenone', ['french']);
  await assertFinds(managerA, 'Œnone', ['french']);
});

test('compound and hyphenated names are found by each part, and written together', async () => {
  for (const q of ['jean', 'pierre', 'Jean-Pierre', 'jeanpierre', 'dupont', 'moretti', 'Dupont-Moretti', 'dupontmoretti', 'pierre moretti']) {
    const expected = q === 'jean' ? ['hyphenated', 'apostrophe'] : ['hyphenated'];
    await assertFinds(managerA, q, expected);
  }
  await assertFinds(managerA, 'rond', ['apostrophe']);
});

test('particles and apostrophes: with or without them, typographic or ASCII', async () => {
  for (const q of ['berg', 'van der berg', 'vanderberg', 'Van Der Berg']) await assertFinds(managerA, q, ['particle']);
  for (const q of ['fontaine', 'la fontaine', 'lafontaine', 'de la fontaine', 'delafontaine']) await assertFinds(managerA, q, ['french']);
  for (const q of ['alembert', "d'alembert", 'd’Alembert', 'dalembert', 'D ALEMBERT']) await assertFinds(managerA, q, ['apostrophe']);
});

test('scoping still holds: another institution, another person type', async () => {
  await assertFinds(managerB, 'lefevre', ['elsewhere']);
  await assertFinds(managerB, 'dupont', []);
  await assertFinds(managerB, 'bjorn', ['elsewhere']);
  await assertFinds(managerA, 'bjorn', []);
  await assertFinds(staffManagerA, 'LEFÈVRE', ['plain']);
  await assertFinds(staffManagerA, 'jean-pierre', []);
  await assertFinds(w.admin, 'lefevre', ['accented', 'plain', 'elsewhere']);
});
