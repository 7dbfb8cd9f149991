/**
 * Histories say who did what by name: a card's moves and a person's audit entries carry the
 * display name of the account (or the name of the API token) behind each actor, for the card
 * office only; a holder sees their own card's history without staff names.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp, type TestClient } from '../helpers/test-app.ts';
import { configureInstitution, createPerson, move, requestCard } from './cards.fixtures.ts';

interface Move { actor: string; actorName?: string | null; to: string }

describe('actor names in histories', () => {
  let t: TestApp;
  let manager: TestClient & { accountId: string };
  let holder: TestClient;
  let cardId: string;
  let personId: string;

  before(async () => {
    t = await startTestApp();
    await configureInstitution(t);
    manager = await t.loginAs('manager');
    const person = await createPerson(t);
    personId = person.id;
    holder = await t.loginAs('cardholder', { personId });
    const station = await t.tokenClient('station');
    const world = { t, admin: manager, manager, station, deliverer: manager, viewer: manager };
    cardId = (await requestCard(world, personId)).id;
    await move(manager, cardId, 'REQUEST_CHECKED');
    await move(station, cardId, 'IN_PRINT');
  });

  after(async () => {
    await t?.close();
  });

  test('the card office reads the names of the accounts and tokens that moved a card', async () => {
    const detail = await manager.get<{ history: Move[] }>(`/api/v1/cards/${cardId}`);
    assert.equal(detail.status, 200, detail.text);
    const checked = detail.body.history.find((entry) => entry.to === 'REQUEST_CHECKED');
    assert.equal(checked?.actor, `account:${manager.accountId}`);
    assert.match(checked?.actorName ?? '', /^manager \d+$/);
    const printed = detail.body.history.find((entry) => entry.to === 'IN_PRINT');
    assert.match(printed?.actor ?? '', /^token:/);
    assert.equal(printed?.actorName, 'test station');
  });

  test('an actor that is not an account or token has no name, and the history still answers', async () => {
    await t.runtime.services.people.update(personId, { firstName: 'Renamed' }, { actor: 'import-job' });
    const patched = await manager.patch(`/api/v1/persons/${personId}`, { lastName: 'Named' });
    assert.equal(patched.status, 200, patched.text);
    const history = await manager.get<{ items: Array<{ actor: string; actorName: string | null }> }>(`/api/v1/persons/${personId}/history`);
    assert.equal(history.status, 200, history.text);
    const byJob = history.body.items.find((item) => item.actor === 'import-job');
    assert.ok(byJob, 'the update is in the audit log');
    assert.equal(byJob.actorName, null);
    assert.ok(history.body.items.some((item) => item.actor === `account:${manager.accountId}` && item.actorName?.startsWith('manager ')),
      'the manager\'s change is named');
  });

  test('the holder sees the history of their card without staff names; others see nothing', async () => {
    const own = await holder.get<{ history: Move[] }>(`/api/v1/cards/${cardId}`);
    assert.equal(own.status, 200, own.text);
    assert.ok(own.body.history.length > 0);
    assert.ok(own.body.history.every((entry) => entry.actorName === undefined));
    assert.equal((await holder.get(`/api/v1/persons/${personId}/history`)).status, 403);
    const other = await t.loginAs('cardholder', { personId: (await createPerson(t)).id });
    assert.equal((await other.get(`/api/v1/cards/${cardId}`)).status, 404);
    assert.equal((await t.anonymous.get(`/api/v1/cards/${cardId}`)).status, 401);
  });
});
