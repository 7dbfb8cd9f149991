import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MoveErrorCode } from './domain/card-state-machine.ts';
import { addMonths, isoDay } from './domain/calendar-day.ts';
import { moveProblem } from './card-problems.ts';

test('addMonths keeps the day of month where it exists, else the month\'s last day', () => {
  assert.equal(addMonths('2025-01-15', 12), '2026-01-15');
  assert.equal(addMonths('2025-01-31', 1), '2025-02-28');
  assert.equal(addMonths('2024-01-31', 1), '2024-02-29');
  assert.equal(addMonths('2024-02-29', 12), '2025-02-28');
  assert.equal(addMonths('2025-11-30', 3), '2026-02-28');
  assert.equal(addMonths('2025-06-10', 0), '2025-06-10');
  assert.equal(isoDay(new Date('2025-03-04T23:59:59.999Z')), '2025-03-04');
});

test('every refusal of the state machine has an HTTP status; input errors name their field', () => {
  const expected: Record<MoveErrorCode, [number, string | undefined]> = {
    move_not_allowed: [409, undefined],
    forbidden_for_actor: [403, undefined],
    disabled_by_settings: [409, undefined],
    not_your_lock: [423, undefined],
    reason_required: [422, '/reason'],
    reason_not_allowed: [422, '/reason'],
    reason_not_allowed_for_self_service: [422, '/reason'],
    comment_required: [422, '/comment'],
    reenable_forbidden: [403, undefined],
    newer_card_exists: [409, undefined],
    csn_required: [422, '/csn'],
    csn_invalid: [422, '/csn'],
  };
  for (const [code, [status, field]] of Object.entries(expected) as Array<[MoveErrorCode, [number, string | undefined]]>) {
    const problem = moveProblem({ ok: false, code, message: 'x' });
    assert.equal(problem.status, status, code);
    assert.equal(problem.code, code);
    assert.equal(problem.field, field, code);
  }
});
