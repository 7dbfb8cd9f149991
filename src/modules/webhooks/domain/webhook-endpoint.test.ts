import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EVENT_NAMES } from '../../../platform/events/event-catalogue.ts';
import { checkEndpointUrl, checkGrants, checkSubscriptions, dataForGrants, EVENT_GROUPS, subscribesTo } from './webhook-endpoint.ts';

describe('webhook endpoint rules', () => {
  it('accepts https URLs, and http only to the loopback when allowed', () => {
    assert.deepEqual(checkEndpointUrl(' https://hooks.example.org/campuscard?x=1 ', { allowHttpLoopback: false }), { url: 'https://hooks.example.org/campuscard?x=1' });
    const code = (raw: string, allowHttpLoopback = false) => {
      const result = checkEndpointUrl(raw, { allowHttpLoopback });
      return 'error' in result ? `${result.error.field} ${result.error.code}` : 'ok';
    };
    assert.equal(code('http://hooks.example.org/'), '/url https_required');
    assert.equal(code('http://hooks.example.org/', true), '/url https_required', 'only the loopback');
    assert.equal(code('http://127.0.0.1:9000/hook'), '/url https_required', 'not without the flag');
    assert.equal(code('http://127.0.0.1:9000/hook', true), 'ok');
    assert.equal(code('http://localhost:9000/hook', true), 'ok');
    assert.equal(code('http://[::1]:9000/hook', true), 'ok');
    assert.equal(code('http://127.0.0.1.example.org/', true), '/url https_required');
    assert.equal(code('ftp://hooks.example.org/'), '/url https_required');
    assert.equal(code('hooks.example.org/webhook'), '/url invalid_url');
    assert.equal(code(''), '/url invalid_url');
    assert.equal(code(`https://a.example/${'x'.repeat(2000)}`), '/url invalid_url');
    assert.equal(code('https://user:pass@hooks.example.org/'), '/url url_credentials');
    assert.equal(code('https://hooks.example.org/#frag'), '/url invalid_url');
  });

  it('subscriptions are catalogue names or group wildcards, duplicates dropped; the error names the entry', () => {
    assert.deepEqual(checkSubscriptions(['card.enabled', 'person.*', 'card.enabled']), { events: ['card.enabled', 'person.*'] });
    assert.deepEqual(EVENT_GROUPS, ['card', 'person', 'consent']);
    const bad = checkSubscriptions(['card.enabled', 'card.exploded']);
    assert.ok('error' in bad && bad.error.field === '/events/1' && bad.error.code === 'unknown_event');
    const badGroup = checkSubscriptions(['door.*']);
    assert.ok('error' in badGroup && badGroup.error.field === '/events/0');
    assert.ok('error' in checkSubscriptions(['*']), 'no catch-all: an endpoint says what it wants');
    const none = checkSubscriptions([]);
    assert.ok('error' in none && none.error.code === 'events_required');
  });

  it('an endpoint subscribes to an event by its name or its group', () => {
    assert.equal(subscribesTo(['card.*'], 'card.disabled'), true);
    assert.equal(subscribesTo(['card.enabled'], 'card.disabled'), false);
    assert.equal(subscribesTo(['person.*'], 'card.disabled'), false);
    assert.equal(subscribesTo(['consent.withdrawn', 'card.disabled'], 'card.disabled'), true);
    for (const name of EVENT_NAMES) assert.equal(subscribesTo([`${name.split('.')[0]}.*`], name), true);
  });

  it('grants are granted parts of the catalogue', () => {
    assert.deepEqual(checkGrants(['csn', 'holder', 'csn']), { grants: ['csn', 'holder'] });
    const bad = checkGrants(['holder', 'photo']);
    assert.ok('error' in bad && bad.error.field === '/grants/1' && bad.error.code === 'unknown_grant');
  });

  it('data carries ids and states, plus exactly the granted parts the endpoint holds', () => {
    const payload = { cardId: 'c1', to: 'DISABLED' };
    const granted = { holder: { firstName: 'A', lastName: 'B', eppn: 'ab@x' }, csn: '04AABB' };
    assert.deepEqual(dataForGrants(payload, granted, []), payload);
    assert.deepEqual(dataForGrants(payload, granted, ['csn']), { ...payload, csn: '04AABB' });
    assert.deepEqual(dataForGrants(payload, granted, ['holder', 'csn']), { ...payload, ...granted });
    assert.deepEqual(dataForGrants(payload, null, ['holder', 'csn']), payload, 'an event without granted parts (consents)');
    assert.deepEqual(dataForGrants(payload, { holder: granted.holder }, ['csn']), payload, 'a part the event lacks stays absent');
    assert.deepEqual(dataForGrants({ ...payload, csn: 'leak' }, null, []), payload, 'a stray granted part in the payload is dropped');
    assert.deepEqual(dataForGrants(payload, { csn: null }, ['csn']), { ...payload, csn: null }, 'a card before encoding: csn null');
  });
});
