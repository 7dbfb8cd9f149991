import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from '../helpers/test-app.ts';
import type { CardView } from '../../src/modules/cards/cards.service.ts';
import { configureInstitution, createPerson, enabledCard, move, officeClients, requestCard, type CardsWorld } from './cards.fixtures.ts';

interface Page {
  items: CardView[];
  nextCursor: string | null;
  total?: number;
  totalCapped?: boolean;
}

let w: CardsWorld;
const names = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent'];
const cardIds: string[] = [];
let enabledId = '';
let renewingPersonCard = '';

before(async () => {
  const t = await startTestApp();
  await configureInstitution(t);
  w = await officeClients(t);
  for (const [index, lastName] of names.entries()) {
    const person = await createPerson(t, { lastName, personType: index % 3 === 0 ? 'staff' : 'student', studentNumber: `2024${String(index).padStart(4, '0')}` });
    const card = await requestCard(w, person.id);
    cardIds.push(card.id);
    if (index % 4 === 1) await move(w.manager, card.id, 'REQUEST_CHECKED');
  }
  const renewing = await createPerson(t, { lastName: 'Zola_100%' });
  const enabled = await enabledCard(w, renewing.id);
  enabledId = enabled.id;
  const renewal = await w.manager.post<CardView>(`/api/v1/cards/${enabled.id}/renew`);
  assert.equal(renewal.status, 201);
  renewingPersonCard = renewal.body.id;
});
after(async () => { await w.t.close(); });

async function list(query: string): Promise<Page> {
  const response = await w.manager.get<Page>(`/api/v1/cards?${query}`);
  assert.equal(response.status, 200, `${query}: ${response.text}`);
  return response.body;
}

async function walk(query: string, limit: number): Promise<CardView[]> {
  const seen: CardView[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await list(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.ok(page.items.length <= limit);
    seen.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return seen;
}

test('filters: state (repeated or comma list), person type, pending request, person', async () => {
  const news = await list('state=NEW&limit=200');
  assert.ok(news.items.length > 0 && news.items.every((card) => card.state === 'NEW'));
  const both = await list('state=NEW,REQUEST_CHECKED&limit=200');
  const repeated = await list('state=NEW&state=REQUEST_CHECKED&limit=200');
  assert.deepEqual(both.items.map((c) => c.id), repeated.items.map((c) => c.id));
  assert.equal(both.items.length, names.length);
  assert.ok((await list('personType=staff&limit=200')).items.every((card) => card.holder.personType === 'staff'));
  const unknown = await w.manager.get('/api/v1/cards?state=FLYING');
  assert.equal(unknown.status, 400);

  const pending = await list('state=ENABLED&hasPendingRequest=true');
  assert.deepEqual(pending.items.map((c) => c.id), [enabledId], 'the ENABLED card whose holder awaits a renewal');
  const notPending = await list('state=ENABLED&hasPendingRequest=false');
  assert.ok(!notPending.items.some((c) => c.id === enabledId));

  const ownerOf = (await list('state=RENEWED')).items[0];
  assert.equal(ownerOf?.id, renewingPersonCard);
  const byPerson = await list(`personId=${ownerOf?.personId}`);
  assert.deepEqual(new Set(byPerson.items.map((c) => c.id)), new Set([enabledId, renewingPersonCard]));
});

test('search: every word must match a name, eppn, student number or ESCN; LIKE wildcards are literal', async () => {
  const martin = await list('q=martin');
  assert.deepEqual(martin.items.map((c) => c.holder.lastName), ['Martin']);
  assert.equal((await list('q=MARTIN%20pr%C3%A9nom')).items.length, 1);
  assert.equal((await list('q=martin%20dubois')).items.length, 0);
  assert.equal((await list('q=20240003')).items[0]?.holder.lastName, 'Thomas');
  const escn = martin.items[0]?.escn as string;
  assert.deepEqual((await list(`q=${escn.toUpperCase()}`)).items.map((c) => c.id), [martin.items[0]?.id]);
  assert.equal((await list(`q=${encodeURIComponent('_100%')}`)).items.length, 2, 'literal % and _ in Zola_100%');
  assert.equal((await list(`q=${encodeURIComponent('a%b')}`)).items.length, 0);
  assert.equal((await list(`q=${encodeURIComponent('zola_')}`)).items.length, 2);
  assert.equal((await list(`q=${encodeURIComponent('zolax')}`)).items.length, 0);
});

test('keyset pagination: every sort and order walks all cards exactly once, in order', async () => {
  const total = names.length + 2;
  for (const sort of ['requestedAt', 'updatedAt', 'lastName'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      const all = await walk(`sort=${sort}&order=${order}`, 5);
      assert.equal(all.length, total, `${sort} ${order}`);
      assert.equal(new Set(all.map((c) => c.id)).size, total, `${sort} ${order}: no duplicate`);
      const keys = all.map((c) => (sort === 'lastName' ? c.holder.lastName : sort === 'requestedAt' ? c.requestedAt : c.updatedAt));
      const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (order === 'desc') sorted.reverse();
      if (sort !== 'lastName') assert.deepEqual(keys, sorted, `${sort} ${order} ordered`);
    }
  }
  const byName = await walk('sort=lastName&order=asc', 4);
  assert.equal(byName[0]?.holder.lastName, 'Bernard');

  // Several states are read one index branch per state, then merged: same order, same pages.
  for (const sort of ['requestedAt', 'updatedAt', 'lastName'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      const merged = await walk(`state=NEW,REQUEST_CHECKED,ENABLED&sort=${sort}&order=${order}`, 3);
      const expected = (await walk(`sort=${sort}&order=${order}`, 200)).filter((c) => ['NEW', 'REQUEST_CHECKED', 'ENABLED'].includes(c.state));
      assert.deepEqual(merged.map((c) => c.id), expected.map((c) => c.id), `${sort} ${order}`);
    }
  }
  const offsetPages = [1, 2, 3, 4, 5].map((n) => `state=NEW,REQUEST_CHECKED&sort=lastName&page=${n}&limit=3`);
  const paged = (await Promise.all(offsetPages.map((query) => list(query)))).flatMap((p) => p.items.map((c) => c.id));
  assert.deepEqual(paged, (await walk('state=NEW,REQUEST_CHECKED&sort=lastName', 50)).map((c) => c.id));
});

test('page mode gives the total; cursors are checked', async () => {
  const first = await list('page=1&limit=5&sort=lastName&order=asc');
  assert.equal(first.total, names.length + 2);
  assert.equal(first.totalCapped, false);
  assert.equal(first.items.length, 5);
  assert.equal(first.nextCursor, null);
  const third = await list('page=3&limit=5&sort=lastName&order=asc');
  assert.equal(third.items.length, names.length + 2 - 10);
  const walked = await walk('sort=lastName&order=asc', 5);
  assert.deepEqual([...first.items, ...(await list('page=2&limit=5&sort=lastName&order=asc')).items, ...third.items].map((c) => c.id),
    walked.map((c) => c.id));

  const cursor = (await list('sort=lastName&limit=2')).nextCursor as string;
  assert.equal((await w.manager.get(`/api/v1/cards?sort=updatedAt&cursor=${cursor}`)).status, 400, 'a cursor of another sort');
  const broken = await w.manager.get('/api/v1/cards?cursor=bm90IGEgY3Vyc29y');
  assert.equal(broken.status, 400);
  assert.equal(broken.body.code, 'invalid_cursor');
  assert.equal((await w.manager.get(`/api/v1/cards?cursor=${cursor}&page=2&sort=lastName`)).status, 400);
  assert.equal((await w.manager.get('/api/v1/cards?limit=201')).status, 400);
  assert.equal((await w.manager.get('/api/v1/cards?page=1000&limit=200')).body.code, 'page_too_deep');
});

test('dates: requested and updated ranges, day bounds inclusive', async () => {
  const today = new Date().toISOString().slice(0, 10);
  assert.equal((await list(`requestedFrom=${today}&requestedTo=${today}&limit=200`)).items.length, names.length + 2);
  assert.equal((await list('requestedTo=2000-01-01')).items.length, 0);
  assert.equal((await list(`updatedFrom=${new Date(Date.now() + 60_000).toISOString()}`)).items.length, 0);
  const bad = await w.manager.get('/api/v1/cards?requestedFrom=yesterday');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'invalid_date');
});
