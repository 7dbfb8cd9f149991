/**
 * The card state machine of shared/domain/card-lifecycle.md, as data plus one pure decision.
 *
 * Each table row is one (from, to) move, the trigger that causes it and the actor kinds that may
 * make it. The same (from, to) pair can appear on several rows when different actors make it for
 * different reasons (NEW→CANCELED: the holder withdraws, or the system cancels on rights end).
 *
 * Who may do what (the doc names "a person or a manager"; this is how it is split):
 * - manager: every user move (the doc's first table) except overriding someone else's lock;
 * - admin: every user move, and may move IN_PRINT/IN_ENCODE cards locked by someone else;
 * - person (the holder, only on their own cards): cancel a NEW/RENEWED request, disable an
 *   ENABLED card with a reason the institution opened to self-service, re-enable a DISABLED card
 *   unless a manager set its reason, ask for a renewal (ENABLED→RENEWED, DESTROYED→RENEWED);
 * - nobody, not even an admin, re-enables a DISABLED card once a newer card of the same person
 *   in the same card group (institution, or federation sharing one card) is alive
 *   (`blocksReenable`; the service passes only those cards as `newerCards`): the newer card is the current one, and enabling the older card
 *   would retire it as REPLACED. An admin who really wants the old card back destroys or cancels
 *   the newer one first, which leaves a trace in both histories;
 * - station (print or encoding station): the print-floor user moves (REQUEST_CHECKED→IN_PRINT,
 *   IN_PRINT→PRINTED/REQUEST_CHECKED/IN_PRINT, IN_ENCODE→PRINTED) and the station-reported
 *   system moves (PRINTED→IN_ENCODE, IN_ENCODE→ENCODED, IN_PRINT→ENCODED). The doc calls the
 *   latter "system" moves; they are made on the station's report, and the station is the one
 *   that holds the lock, so the station is the actor and becomes or must be the lock owner;
 * - deliverer: ENCODED→ENABLED at hand-over, only when the institution enables on delivery;
 * - system: the other system moves (rights ended/extended), plus two the Rules section implies:
 *   ENABLED→DISABLED with reason REPLACED when another card of the person gets ENABLED, and
 *   ENCODED→ENABLED right after encoding when the institution enables automatically.
 * Nobody but these actors may make a row's move; humans can never ask for a system move.
 */
import type { CardDisable, CardState, DisableReason, DisabledBy } from './card-state.ts';
import { CHOSEN_DISABLE_REASONS, SELF_SERVICE_ELIGIBLE_REASONS, isLockedState, isTerminal } from './card-state.ts';
import { isCanonicalCsn } from './csn.ts';

export const ACTOR_KINDS = ['person', 'manager', 'admin', 'station', 'deliverer', 'system'] as const;

export type ActorKind = (typeof ACTOR_KINDS)[number];

/** Whoever asks for a move. `person` is the card holder acting for themselves. */
export interface Actor {
  kind: ActorKind;
  id: string;
}

/** Events that make the system move a card, without anyone choosing the target state. */
export const SYSTEM_TRIGGERS = [
  'station_takes_card',
  'encode_success',
  'print_encode_success',
  'rights_ended',
  'rights_extended',
  'card_replaced',
  'auto_enable_after_encode',
] as const;

export type SystemTrigger = (typeof SYSTEM_TRIGGERS)[number];

/** `user_request`: someone chose the target state (the doc's "moves a person or a manager can make"). */
export type MoveTrigger = 'user_request' | SystemTrigger;

/** Per-institution choices that change the lifecycle. */
export interface InstitutionCardSettings {
  /** ENCODED moves straight on to ENABLED (the system does it right after encoding). */
  autoEnableAfterEncode: boolean;
  /** The deliverer enables the card when handing it over. */
  enableOnDelivery: boolean;
  /** Disable reasons card holders may pick themselves; only LOST, THEFT and OUT_OF_ORDER count. */
  selfServiceDisableReasons: readonly DisableReason[];
}

export const DEFAULT_CARD_SETTINGS: InstitutionCardSettings = {
  autoEnableAfterEncode: false,
  enableOnDelivery: false,
  selfServiceDisableReasons: ['LOST', 'THEFT', 'OUT_OF_ORDER'],
};

/** One row of the transition table. */
export interface MoveRule {
  from: CardState;
  to: CardState;
  trigger: MoveTrigger;
  actors: readonly ActorKind[];
  /** The move is only open when this institution setting is on. */
  requires?: 'autoEnableAfterEncode' | 'enableOnDelivery';
  /** The move creates a renewal card (see `decideRenewal`); the card itself keeps its state. */
  renewal?: boolean;
  /** The system sets this reason instead of asking for one. */
  setsDisableReason?: DisableReason;
  /** A disable reason the card already carries (kept through CADUC) wins over `setsDisableReason`. */
  keepsEarlierDisable?: boolean;
}

const STAFF: readonly ActorKind[] = ['manager', 'admin'];
const STAFF_AND_HOLDER: readonly ActorKind[] = ['manager', 'admin', 'person'];
const PRINT_FLOOR: readonly ActorKind[] = ['manager', 'admin', 'station'];

function rows(
  froms: readonly CardState[],
  tos: readonly CardState[],
  trigger: MoveTrigger,
  actors: readonly ActorKind[],
  extra: Omit<MoveRule, 'from' | 'to' | 'trigger' | 'actors'> = {},
): MoveRule[] {
  return froms.flatMap((from) => tos.map((to) => ({ from, to, trigger, actors, ...extra })));
}

/** Moves someone chooses (the doc's first table), one row per group of actors. */
export const USER_MOVES: readonly MoveRule[] = [
  ...rows(['NEW', 'RENEWED'], ['REQUEST_CHECKED', 'REJECTED'], 'user_request', STAFF),
  ...rows(['NEW', 'RENEWED'], ['CANCELED'], 'user_request', STAFF_AND_HOLDER),
  ...rows(['REQUEST_CHECKED'], ['IN_PRINT'], 'user_request', PRINT_FLOOR),
  ...rows(['REQUEST_CHECKED'], ['CANCELED'], 'user_request', STAFF),
  ...rows(['IN_PRINT'], ['PRINTED', 'REQUEST_CHECKED', 'IN_PRINT'], 'user_request', PRINT_FLOOR),
  ...rows(['IN_ENCODE'], ['PRINTED'], 'user_request', PRINT_FLOOR),
  ...rows(['ENCODED'], ['ENABLED'], 'user_request', STAFF),
  ...rows(['ENCODED'], ['ENABLED'], 'user_request', ['deliverer'], { requires: 'enableOnDelivery' }),
  ...rows(['ENCODED'], ['DESTROYED'], 'user_request', STAFF),
  ...rows(['ENABLED'], ['DISABLED'], 'user_request', STAFF_AND_HOLDER),
  ...rows(['ENABLED', 'DESTROYED'], ['RENEWED'], 'user_request', STAFF_AND_HOLDER, { renewal: true }),
  ...rows(['DISABLED'], ['ENABLED'], 'user_request', STAFF_AND_HOLDER),
  ...rows(['DISABLED', 'CADUC'], ['DESTROYED'], 'user_request', STAFF),
];

/** Moves caused by an event (the doc's second table, plus the two its Rules section implies). */
export const SYSTEM_MOVES: readonly MoveRule[] = [
  ...rows(['PRINTED'], ['IN_ENCODE'], 'station_takes_card', ['station']),
  ...rows(['IN_ENCODE'], ['ENCODED'], 'encode_success', ['station']),
  ...rows(['IN_PRINT'], ['ENCODED'], 'print_encode_success', ['station']),
  ...rows(['ENABLED', 'DISABLED'], ['CADUC'], 'rights_ended', ['system']),
  ...rows(['CADUC'], ['DISABLED'], 'rights_extended', ['system'], {
    setsDisableReason: 'RIGHTS_ENDED',
    keepsEarlierDisable: true,
  }),
  ...rows(['NEW', 'RENEWED', 'REQUEST_CHECKED'], ['CANCELED'], 'rights_ended', ['system']),
  ...rows(['ENABLED'], ['DISABLED'], 'card_replaced', ['system'], { setsDisableReason: 'REPLACED' }),
  ...rows(['ENCODED'], ['ENABLED'], 'auto_enable_after_encode', ['system'], { requires: 'autoEnableAfterEncode' }),
];

export const MOVE_RULES: readonly MoveRule[] = [...USER_MOVES, ...SYSTEM_MOVES];

/** What the card knows about itself that a decision depends on. */
export interface CardFacts {
  /** The holder: a `person` actor may only move their own cards. */
  personId: string;
  state: CardState;
  /** `lockOwnerOf(actor)` of whoever took the card into IN_PRINT/IN_ENCODE, else null. */
  lockOwner: string | null;
  /** Set while DISABLED, kept through CADUC; null otherwise. */
  disable: CardDisable | null;
  /**
   * The states of the holder's cards created after this one in the same card group (the issuing
   * institution, or the federation whose members share one card). Read under the person's card lock, in the moving transaction, so a request for a
   * new card and the re-enabling of an old one cannot both pass.
   */
  newerCards: readonly CardState[];
}

/**
 * True when a newer card in this state keeps an older DISABLED card from being enabled again:
 * every state but REJECTED, CANCELED and DESTROYED. A newer card that is requested, in
 * production, ENABLED, DISABLED (lost as well) or CADUC is the person's current card, and the
 * older one must not come back over it. A request that was withdrawn or refused, or a newer card
 * that was destroyed, never became or no longer is the current card: it does not block.
 */
export function blocksReenable(newer: CardState): boolean {
  return !isTerminal(newer);
}

export interface MoveInput {
  card: CardFacts;
  to: CardState;
  actor: Actor;
  /** Required when moving to DISABLED by hand. */
  reason?: DisableReason | null;
  /** Required with reason MANAGER and when rejecting a request (it is shown to the person). */
  comment?: string | null;
  /** Canonical hex (see `parseCsn`), required when a station reports a successful encoding. */
  csn?: string | null;
  settings: InstitutionCardSettings;
}

export type NotificationKind = 'request_checked' | 'request_rejected' | 'card_ready' | 'card_disabled';

/** What the service must do besides changing the card's state, in this order. */
export type MoveEffect =
  | { type: 'lock'; owner: string }
  | { type: 'unlock' }
  | { type: 'freezePrintedLines' }
  | { type: 'bindCsn'; csn: string }
  | { type: 'setDisable'; disable: CardDisable }
  | { type: 'clearDisable' }
  /** Run `planEnable` and apply its moves: a person has at most one ENABLED card. */
  | { type: 'disableOtherEnabledCards' }
  /** Then move the card ENCODED→ENABLED as the system (trigger auto_enable_after_encode). */
  | { type: 'autoEnable' }
  /** Call `decideRenewal` on this card and store the new card. */
  | { type: 'createRenewalCard' }
  /** The card starts or stops working: the connectors (ESC Router, Izly, LDAP, …) must hear of it. */
  | { type: 'activationChanged'; enabled: boolean }
  | { type: 'notify'; kind: NotificationKind; reason?: string };

export type MoveErrorCode =
  | 'move_not_allowed'
  | 'forbidden_for_actor'
  | 'disabled_by_settings'
  | 'not_your_lock'
  | 'reason_required'
  | 'reason_not_allowed'
  | 'reason_not_allowed_for_self_service'
  | 'comment_required'
  | 'reenable_forbidden'
  | 'newer_card_exists'
  | 'csn_required'
  | 'csn_invalid';

export type MoveDecision =
  | {
      ok: true;
      from: CardState;
      /** The card's state after the move: the rule's target, except for renewals (unchanged). */
      to: CardState;
      /** The table row applied: record its trigger in the card's history. */
      rule: MoveRule;
      effects: MoveEffect[];
    }
  | { ok: false; code: MoveErrorCode; message: string };

type Refusal = Extract<MoveDecision, { ok: false }>;

/**
 * The lock key stored on a card taken into IN_PRINT/IN_ENCODE: the identity of whoever took it,
 * whatever capacity they act in. A manager who puts a card in print and then reports its encoding
 * at an office desk (acting as a station) still holds their own lock. Actor ids must therefore be
 * unique across kinds (the service uses account and token ids, which are UUIDs).
 */
export function lockOwnerOf(actor: Actor): string {
  return actor.id;
}

/**
 * Decides whether `actor` may move `card` to `to`, and what else must happen if so.
 * Checks, in order: the pair is in the table (`move_not_allowed`); the actor kind may make it and
 * a person only on their own card (`forbidden_for_actor`); the setting it needs is on
 * (`disabled_by_settings`); an IN_PRINT/IN_ENCODE card is moved by its lock owner or an admin
 * (`not_your_lock`; an unlocked one by anyone allowed); then what the target needs: a reason and,
 * for MANAGER, a comment to disable; a comment to reject; nobody re-enables a card once a newer
 * card of the person is alive (`newer_card_exists`, see `blocksReenable`); a holder re-enables
 * only a card whose reason no manager set (`reenable_forbidden`); a canonical CSN to enter ENCODED.
 * Pure: the caller applies the state and the effects in one transaction and records the move.
 */
export function decideMove(input: MoveInput): MoveDecision {
  const { card, to, actor, settings } = input;
  const from = card.state;
  const candidates = MOVE_RULES.filter((rule) => rule.from === from && rule.to === to);
  if (candidates.length === 0) {
    return refuse('move_not_allowed', `a card cannot go from ${from} to ${to}`);
  }
  const rule = candidates.find((candidate) => candidate.actors.includes(actor.kind));
  if (rule === undefined) {
    const who = [...new Set(candidates.flatMap((candidate) => candidate.actors))].join(', ');
    return refuse('forbidden_for_actor', `only ${who} may move a card from ${from} to ${to}, not a ${actor.kind}`);
  }
  if (actor.kind === 'person' && actor.id !== card.personId) {
    return refuse('forbidden_for_actor', 'a person may only move their own cards');
  }
  if (rule.requires !== undefined && !settings[rule.requires]) {
    return refuse('disabled_by_settings', `${from} to ${to} by a ${actor.kind} needs the ${rule.requires} setting`);
  }
  if (isLockedState(from) && card.lockOwner !== null && actor.kind !== 'admin'
      && card.lockOwner !== lockOwnerOf(actor)) {
    return refuse('not_your_lock', `this ${from} card is locked by ${card.lockOwner}`);
  }
  const comment = normaliseComment(input.comment);

  const disable = to === 'DISABLED' ? decideDisable(input, rule, comment) : null;
  if (disable !== null && 'ok' in disable) return disable;
  if (to === 'REJECTED' && comment === null) {
    return refuse('comment_required', 'a rejection needs a reason the person will read');
  }
  if (from === 'DISABLED' && to === 'ENABLED' && card.newerCards.some(blocksReenable)) {
    return refuse('newer_card_exists', 'a newer card of this person exists or is requested: it is the current card, this one cannot come back');
  }
  if (from === 'DISABLED' && to === 'ENABLED' && actor.kind === 'person' && card.disable?.by === 'manager') {
    return refuse('reenable_forbidden', 'a manager disabled this card: only a manager may enable it again');
  }
  if (to === 'ENCODED') {
    if (input.csn === undefined || input.csn === null || input.csn === '') {
      return refuse('csn_required', 'an encoded card needs the chip serial number the station read');
    }
    if (!isCanonicalCsn(input.csn)) {
      return refuse('csn_invalid', `"${input.csn}" is not a canonical CSN (uppercase hex, 4 to 10 bytes)`);
    }
  }

  const reached = rule.renewal ? from : to;
  return {
    ok: true,
    from,
    to: reached,
    rule,
    effects: effectsOf({ input, rule, reached, comment, disable }),
  };
}

/** A CSN only used to ask whether a move that needs one would be allowed. */
const PROBE_CSN = '00000000';

/**
 * The states `actor` may move this card to now, in table order: `decideMove` with the most
 * favourable input the actor could still give (a disable reason they may choose, a comment, a
 * CSN). What the UI offers comes from here, so it never offers a move the server would refuse
 * for a reason the actor cannot fix (a manager's disable, a newer card, a lock, a setting).
 * Renewals count (RENEWED); the service may still refuse one while a request is pending.
 */
export function openMoves(card: CardFacts, actor: Actor, settings: InstitutionCardSettings): CardState[] {
  const reason: DisableReason | null = actor.kind === 'person'
    ? settings.selfServiceDisableReasons.find((candidate) => SELF_SERVICE_ELIGIBLE_REASONS.includes(candidate)) ?? null
    : 'LOST';
  const targets = [...new Set(MOVE_RULES.filter((rule) => rule.from === card.state).map((rule) => rule.to))];
  return targets.filter((to) => decideMove({ card, to, actor, reason, comment: 'probe', csn: PROBE_CSN, settings }).ok);
}

/** `null` on a disable means "keep the reason the card already carries". */
function decideDisable(input: MoveInput, rule: MoveRule, comment: string | null): CardDisable | Refusal | null {
  if (rule.setsDisableReason !== undefined) {
    if (rule.keepsEarlierDisable && input.card.disable !== null) return null;
    return { reason: rule.setsDisableReason, by: 'system', comment: null };
  }
  const { reason, actor, settings } = input;
  if (reason === undefined || reason === null) {
    return refuse('reason_required', 'disabling a card needs a reason: LOST, THEFT, OUT_OF_ORDER or MANAGER');
  }
  if (actor.kind === 'person') {
    if (!SELF_SERVICE_ELIGIBLE_REASONS.includes(reason) || !settings.selfServiceDisableReasons.includes(reason)) {
      return refuse('reason_not_allowed_for_self_service', `card holders may not disable a card with reason ${reason}`);
    }
  } else if (!CHOSEN_DISABLE_REASONS.includes(reason)) {
    return refuse('reason_not_allowed', `reason ${reason} is set by the system only`);
  }
  if (reason === 'MANAGER' && comment === null) {
    return refuse('comment_required', 'reason MANAGER needs a comment');
  }
  const by: DisabledBy = actor.kind === 'person' ? 'self' : 'manager';
  return { reason, by, comment };
}

function effectsOf(args: {
  input: MoveInput;
  rule: MoveRule;
  reached: CardState;
  comment: string | null;
  disable: CardDisable | null;
}): MoveEffect[] {
  const { input, rule, reached, comment, disable } = args;
  const from = input.card.state;
  const effects: MoveEffect[] = [];
  if (rule.renewal) effects.push({ type: 'createRenewalCard' });
  if (isLockedState(from) && !isLockedState(reached)) effects.push({ type: 'unlock' });
  if (isLockedState(reached)) effects.push({ type: 'lock', owner: lockOwnerOf(input.actor) });
  if (from === 'IN_PRINT' && (reached === 'PRINTED' || reached === 'ENCODED')) {
    effects.push({ type: 'freezePrintedLines' });
  }
  if (reached === 'ENCODED' && typeof input.csn === 'string') {
    effects.push({ type: 'bindCsn', csn: input.csn });
    effects.push({ type: 'notify', kind: 'card_ready' });
    if (input.settings.autoEnableAfterEncode) effects.push({ type: 'autoEnable' });
  }
  if (disable !== null) effects.push({ type: 'setDisable', disable });
  if (reached === 'ENABLED' && from !== 'ENABLED') {
    if (input.card.disable !== null) effects.push({ type: 'clearDisable' });
    effects.push({ type: 'disableOtherEnabledCards' });
  }
  if ((from === 'ENABLED') !== (reached === 'ENABLED')) {
    effects.push({ type: 'activationChanged', enabled: reached === 'ENABLED' });
  }
  if (reached === 'REQUEST_CHECKED' && (from === 'NEW' || from === 'RENEWED')) {
    effects.push({ type: 'notify', kind: 'request_checked' });
  }
  if (reached === 'REJECTED' && comment !== null) {
    effects.push({ type: 'notify', kind: 'request_rejected', reason: comment });
  }
  if (disable !== null && rule.trigger !== 'rights_extended') {
    effects.push({ type: 'notify', kind: 'card_disabled', reason: disable.reason });
  }
  return effects;
}

/** The part of a card a renewal reads; `carried` is the photo and data the new card copies. */
export interface RenewalSource<D> {
  id: string;
  personId: string;
  state: CardState;
  carried: D;
}

/** A card to insert: a RENEWED request copying the previous card, not yet printed or bound. */
export interface RenewalDraft<D> {
  personId: string;
  state: 'RENEWED';
  renewalOf: string;
  carried: D;
  csn: null;
  lockOwner: null;
  disable: null;
}

export type RenewalDecision<D> =
  | { ok: true; card: RenewalDraft<D> }
  | { ok: false; code: 'renewal_not_allowed'; message: string };

const RENEWABLE_STATES: readonly CardState[] = MOVE_RULES.filter((rule) => rule.renewal).map((rule) => rule.from);

/**
 * Builds the new card of a renewal, once `decideMove` allowed ENABLED→RENEWED or
 * DESTROYED→RENEWED and returned `createRenewalCard`. The previous card is left as it is: an
 * ENABLED one keeps working until the new card gets ENABLED, which disables it with reason
 * REPLACED (`planEnable`); a DESTROYED one stays DESTROYED. The doc sets no limit on pending
 * renewals: `pendingRequests` lets a service add one if it wants.
 */
export function decideRenewal<D>(previous: RenewalSource<D>): RenewalDecision<D> {
  if (!RENEWABLE_STATES.includes(previous.state)) {
    return {
      ok: false,
      code: 'renewal_not_allowed',
      message: `only ${RENEWABLE_STATES.join(' or ')} cards can be renewed, not ${previous.state}`,
    };
  }
  return {
    ok: true,
    card: {
      personId: previous.personId,
      state: 'RENEWED',
      renewalOf: previous.id,
      carried: previous.carried,
      csn: null,
      lockOwner: null,
      disable: null,
    },
  };
}

function normaliseComment(comment: string | null | undefined): string | null {
  const trimmed = comment?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function refuse(code: MoveErrorCode, message: string): Refusal {
  return { ok: false, code, message };
}
