/**
 * The problems the card use cases answer, shared so each keeps one stable code and wording: the
 * state machine's refusals, an unknown card, a card changed meanwhile, a chip already bound; and
 * the two checks that lead to them (an id that cannot name a card, a race the database broke).
 */
import { conflict, notFound, ProblemError } from '../../platform/http/problem.ts';
import type { MoveDecision, MoveErrorCode } from './domain/card-state-machine.ts';

/** Codes of the state machine, as HTTP answers. */
const MOVE_ERROR_STATUS: Record<MoveErrorCode, { status: number; field?: string }> = {
  move_not_allowed: { status: 409 },
  forbidden_for_actor: { status: 403 },
  disabled_by_settings: { status: 409 },
  not_your_lock: { status: 423 },
  reason_required: { status: 422, field: '/reason' },
  reason_not_allowed: { status: 422, field: '/reason' },
  reason_not_allowed_for_self_service: { status: 422, field: '/reason' },
  comment_required: { status: 422, field: '/comment' },
  reenable_forbidden: { status: 403 },
  newer_card_exists: { status: 409 },
  csn_required: { status: 422, field: '/csn' },
  csn_invalid: { status: 422, field: '/csn' },
};

/** Turns a refusal of the state machine into its HTTP problem. */
export function moveProblem(refusal: Extract<MoveDecision, { ok: false }>): ProblemError {
  const mapping = MOVE_ERROR_STATUS[refusal.code];
  return new ProblemError(mapping.status, refusal.code, refusal.message, mapping.field ? { field: mapping.field } : {});
}

/** 404 `card_not_found`: also the answer for a card the caller may not see. */
export function cardNotFound(): ProblemError {
  return notFound('card_not_found', 'No such card');
}

/** 409 `state_conflict`: the card changed since the caller read it. */
export function stateConflict(detail = 'The card changed while you were working on it; reload and try again'): ProblemError {
  return conflict('state_conflict', detail);
}

/** 409 `csn_taken`: the chip already belongs to a card that is not destroyed. */
export function csnTaken(): ProblemError {
  return conflict('csn_taken', 'Another card that is not destroyed already has this chip serial number', { field: '/csn' });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` may name a card: any other id answers 404 without a query. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Deadlocks and serialization failures are races: the caller may simply try again. */
export function isRace(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '40P01' || code === '40001';
}
