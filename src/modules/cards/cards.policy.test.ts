import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal, Role } from '../auth/domain/roles.ts';
import { canReadCard, encodingActorFor, moveActorFor, requestChannelOf, writesAsOffice } from './cards.policy.ts';

const HOLDER = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const studentCard = { personId: HOLDER, institutionId: 1, holderPersonType: 'student' };
const otherInstitutionCard = { ...studentCard, institutionId: 2 };

function principal(role: Role, extra: Partial<Principal> = {}): Principal {
  return { kind: 'session', id: `${role}-id`, actor: `account:${role}-id`, displayName: role, role, personTypes: null,
    institutionIds: null, grantedInstitutionIds: null, focusInstitutionId: null, personId: null, ...extra };
}

test('reading: office roles within their person types, the holder, nobody else', () => {
  for (const role of ['admin', 'manager', 'viewer', 'station', 'deliverer'] as const) {
    assert.equal(canReadCard(principal(role), studentCard), true, role);
    assert.equal(canReadCard(principal(role, { personTypes: ['staff'] }), studentCard), false, `${role} limited to staff`);
  }
  assert.equal(canReadCard(principal('cardholder', { personId: HOLDER }), studentCard), true);
  assert.equal(canReadCard(principal('cardholder', { personId: OTHER }), studentCard), false);
  assert.equal(canReadCard(principal('cardholder'), studentCard), false);
});

test('institutions: staff reach the cards their institutions issued; a holder their own everywhere', () => {
  for (const role of ['admin', 'manager', 'viewer', 'station', 'deliverer'] as const) {
    const ofOne = principal(role, { institutionIds: [1] });
    assert.equal(canReadCard(ofOne, studentCard), true, role);
    assert.equal(canReadCard(ofOne, otherInstitutionCard), false, `${role} of institution 1 on a card of 2`);
    assert.equal(canReadCard(principal(role, { institutionIds: [] }), studentCard), false, `${role} granted nowhere`);
  }
  assert.equal(moveActorFor(principal('manager', { institutionIds: [1] }), otherInstitutionCard), null);
  assert.equal(encodingActorFor(principal('station', { institutionIds: [1] }), otherInstitutionCard), null);
  assert.equal(canReadCard(principal('cardholder', { personId: HOLDER, institutionIds: [1] }), otherInstitutionCard), true);
  assert.deepEqual(moveActorFor(principal('cardholder', { personId: HOLDER, institutionIds: [1] }), otherInstitutionCard), { kind: 'person', id: HOLDER });
});

test('moving: staff act in their role, the holder as person, viewers not at all', () => {
  assert.deepEqual(moveActorFor(principal('manager'), studentCard), { kind: 'manager', id: 'manager-id' });
  assert.deepEqual(moveActorFor(principal('station'), studentCard), { kind: 'station', id: 'station-id' });
  assert.deepEqual(moveActorFor(principal('cardholder', { personId: HOLDER }), studentCard), { kind: 'person', id: HOLDER });
  assert.equal(moveActorFor(principal('cardholder', { personId: OTHER }), studentCard), null);
  assert.equal(moveActorFor(principal('viewer'), studentCard), null);
  assert.equal(moveActorFor(principal('manager', { personTypes: ['staff'] }), studentCard), null);
  // A staff-limited manager who is also this card's holder acts on it as its holder.
  assert.deepEqual(moveActorFor(principal('manager', { personTypes: ['staff'], personId: HOLDER }), studentCard), { kind: 'person', id: HOLDER });
  assert.deepEqual(moveActorFor(principal('viewer', { personId: HOLDER }), studentCard), { kind: 'person', id: HOLDER });
});

test('encoding reports are station moves; office writers reporting one act as a station', () => {
  assert.deepEqual(encodingActorFor(principal('station'), studentCard), { kind: 'station', id: 'station-id' });
  assert.deepEqual(encodingActorFor(principal('admin'), studentCard), { kind: 'station', id: 'admin-id' });
  assert.equal(encodingActorFor(principal('deliverer'), studentCard), null);
  assert.equal(encodingActorFor(principal('cardholder', { personId: HOLDER }), studentCard), null);
  assert.equal(encodingActorFor(principal('station', { personTypes: ['staff'] }), studentCard), null);
});

test('office writers and request channels', () => {
  assert.equal(writesAsOffice(principal('manager'), 1, 'student'), true);
  assert.equal(writesAsOffice(principal('manager', { personTypes: ['staff'] }), 1, 'student'), false);
  assert.equal(writesAsOffice(principal('manager', { institutionIds: [2] }), 1, 'student'), false);
  assert.equal(writesAsOffice(principal('viewer'), 1, 'student'), false);
  assert.equal(requestChannelOf(principal('cardholder')), 'web');
  assert.equal(requestChannelOf(principal('manager')), 'office');
  assert.equal(requestChannelOf(principal('manager', { kind: 'token' })), 'api');
});
