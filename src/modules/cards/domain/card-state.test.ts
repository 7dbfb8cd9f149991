import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CARD_STATES,
  canChangePhoto,
  isCardState,
  isDisableReason,
  isLockedState,
  isPendingRequest,
  isTerminal,
} from './card-state.ts';

function statesWhere(predicate: (state: (typeof CARD_STATES)[number]) => boolean): string[] {
  return CARD_STATES.filter(predicate);
}

describe('card states', () => {
  it('has the 13 states of the card lifecycle, once each', () => {
    assert.equal(CARD_STATES.length, 13);
    assert.equal(new Set(CARD_STATES).size, 13);
  });

  it('knows which states a card never leaves', () => {
    assert.deepEqual(statesWhere(isTerminal), ['REJECTED', 'CANCELED', 'DESTROYED']);
  });

  it('knows the pending requests, the photo-changeable and the locked states', () => {
    assert.deepEqual(statesWhere(isPendingRequest), ['NEW', 'RENEWED', 'REQUEST_CHECKED']);
    assert.deepEqual(statesWhere(canChangePhoto), ['NEW', 'RENEWED', 'REQUEST_CHECKED', 'IN_PRINT']);
    assert.deepEqual(statesWhere(isLockedState), ['IN_PRINT', 'IN_ENCODE']);
  });

  it('narrows untrusted strings', () => {
    assert.equal(isCardState('CADUC'), true);
    assert.equal(isCardState('caduc'), false);
    assert.equal(isCardState(3), false);
    assert.equal(isDisableReason('THEFT'), true);
    assert.equal(isDisableReason('STOLEN'), false);
  });
});
