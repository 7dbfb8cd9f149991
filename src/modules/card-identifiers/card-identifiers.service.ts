/**
 * The identifiers a card carries beyond its CSN and ESCN: an access-control id and a secondary id
 * (library barcode), each defined per institution (domain/identifier-definitions.ts), assigned in
 * the transaction that creates the card and kept for the card's life.
 *
 * A renewal is a new card and gets new identifiers, as the card office system French
 * universities run does for its chip identifiers (EsupPortail/esup-sgc keeps them per card and
 * generates them once per card): the replaced card's ids are then refused by the door and
 * library systems that received the new one, and a lost card stops opening anything.
 *
 * Concurrency: each institution's sequences are one row, updated in the creating transaction
 * (`takeNumbers`), so card creations of one institution take numbers one after the other and a
 * rolled-back creation gives its numbers back. Uniqueness per institution is the database's
 * (partial unique indexes); a number whose id is already carried (an imported card, or a
 * sequence an admin moved back) is skipped.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { ProblemError, conflict, forbidden, notFound } from '../../platform/http/problem.ts';
import type { Principal } from '../auth/domain/roles.ts';
import * as repo from './card-identifiers.repository.ts';
import {
  accessControlIdOf, accessControlSequenceOf, definitionProblems, secondaryIdOf, secondarySequenceOf,
  type AccessControlDefinition, type SecondaryDefinition,
} from './domain/identifier-definitions.ts';

/** The identifiers of one card (null: none of that kind). */
export interface CardIdentifiers {
  accessControlId: string | null;
  secondaryId: string | null;
}

/** An institution's definitions as the API shows them, with the next values they will give. */
export interface IdentifierDefinitionsView {
  institution: string;
  accessControl: AccessControlDefinition & { next: number; nextValue: string | null };
  secondary: SecondaryDefinition & { next: number; nextValue: string | null };
  updatedBy: string | null;
  updatedAt: string | null;
}

/** What an admin saves; `next` (optional) sets the next sequence number. */
export interface IdentifierDefinitionsInput {
  accessControl: AccessControlDefinition & { next?: number | undefined };
  secondary: SecondaryDefinition & { next?: number | undefined };
}

/** What this context needs from the institution context. */
export interface IdentifiersInstitutionPort {
  byCode(executor: Executor, code: string): Promise<{ id: number; code: string } | undefined>;
}

/** A number is skipped at most this many times in a row (ids already carried) before giving up. */
const MAX_SKIPS = 1000;
/** How many of the highest stored ids are parsed when a definition changes. */
const HIGHEST_SCANNED = 50;
/** The card list's exact look-up answers at most this many cards. */
const MAX_CARRYING = 50;

const DEFAULT_ACCESS_CONTROL: AccessControlDefinition = { enabled: false, offset: '0', length: 16 };
const DEFAULT_SECONDARY: SecondaryDefinition = { enabled: false, prefix: '', offset: '0', length: 0, checkDigit: 'none' };

function accessControlOf(row: repo.DefinitionRow): AccessControlDefinition {
  return { enabled: row.accessControlEnabled, offset: row.accessControlOffset, length: row.accessControlLength };
}

function secondaryOf(row: repo.DefinitionRow): SecondaryDefinition {
  return {
    enabled: row.secondaryEnabled, prefix: row.secondaryPrefix, offset: row.secondaryOffset,
    length: row.secondaryLength, checkDigit: row.secondaryCheckDigit,
  };
}

function rangeExhausted(kind: 'access-control' | 'secondary'): ProblemError {
  return conflict('identifier_range_exhausted', `The ${kind} ids of this institution no longer fit their length: an administrator must change the definition`);
}

/** The next sequence number after `sequence` (a bigint from a parsed id) as a safe integer, capped. */
function after(sequence: bigint): number {
  const next = sequence + 1n;
  return next > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(next);
}

/** The highest sequence number among these values under `parse`, plus one; 0 when none parses. */
function nextPast(values: readonly (string | null)[], parse: (value: string) => bigint | undefined): number {
  let highest: bigint | undefined;
  for (const value of values) {
    if (value === null) continue;
    const sequence = parse(value);
    if (sequence !== undefined && (highest === undefined || sequence > highest)) highest = sequence;
  }
  return highest === undefined ? 0 : after(highest);
}

/** Builds the service. */
export function createCardIdentifiersService(deps: { db: Kysely<Database>; institutions: IdentifiersInstitutionPort }) {
  const { db, institutions } = deps;

  /** The institution of this code within the principal's institutions (404 outside them, in the query). */
  async function visible(executor: Executor, code: string, principal: Principal): Promise<{ id: number; code: string; scoped: repo.ScopedDefinition }> {
    const found = await institutions.byCode(executor, code);
    const scoped = found ? await repo.findDefinitionInScope(executor, found.id, principal) : undefined;
    if (!found || !scoped) throw notFound('institution_not_found', 'No such institution');
    return { id: found.id, code: found.code, scoped };
  }

  function toView(code: string, scoped: repo.ScopedDefinition): IdentifierDefinitionsView {
    const accessControl = scoped.definition ? accessControlOf(scoped.definition) : DEFAULT_ACCESS_CONTROL;
    const secondary = scoped.definition ? secondaryOf(scoped.definition) : DEFAULT_SECONDARY;
    return {
      institution: code,
      accessControl: {
        ...accessControl, next: scoped.accessControlNext,
        nextValue: accessControl.enabled ? accessControlIdOf(accessControl, scoped.accessControlNext) ?? null : null,
      },
      secondary: {
        ...secondary, next: scoped.secondaryNext,
        nextValue: secondary.enabled ? secondaryIdOf(secondary, scoped.secondaryNext) ?? null : null,
      },
      updatedBy: scoped.definition?.updatedBy ?? null,
      updatedAt: scoped.definition ? scoped.definition.updatedAt.toISOString() : null,
    };
  }

  /** Moves an institution's sequences past the ids its cards already carry that its definition could give. */
  async function advancePastExisting(executor: Executor, institutionId: number, accessControl: AccessControlDefinition, secondary: SecondaryDefinition): Promise<void> {
    const highest = await repo.highestValues(executor, institutionId, HIGHEST_SCANNED);
    await repo.raiseNext(executor, institutionId, {
      accessControl: nextPast(highest.accessControl, (value) => accessControlSequenceOf(accessControl, value)),
      secondary: nextPast(highest.secondary, (value) => secondarySequenceOf(secondary, value)),
    });
  }

  /** Identifiers for `count` new cards of one institution, from its sequences (skipping ids already carried). */
  async function assignInstitution(executor: Executor, institutionId: number, cardIds: readonly string[]): Promise<void> {
    const definition = await repo.findDefinition(executor, institutionId);
    if (!definition || (!definition.accessControlEnabled && !definition.secondaryEnabled)) return;
    const accessControl = accessControlOf(definition);
    const secondary = secondaryOf(definition);
    let pending = [...cardIds];
    for (let round = 0; pending.length > 0; round++) {
      if (round > MAX_SKIPS) throw conflict('identifier_sequence_blocked', 'The next identifiers of this institution are all carried already: an administrator must move its sequences');
      const first = await repo.takeNumbers(executor, institutionId, {
        accessControl: accessControl.enabled ? pending.length : 0,
        secondary: secondary.enabled ? pending.length : 0,
      });
      const rows = pending.map((cardId, index) => {
        const accessControlId = accessControl.enabled ? accessControlIdOf(accessControl, first.accessControl + index) : null;
        const secondaryId = secondary.enabled ? secondaryIdOf(secondary, first.secondary + index) : null;
        if (accessControlId === undefined) throw rangeExhausted('access-control');
        if (secondaryId === undefined) throw rangeExhausted('secondary');
        return { cardId, institutionId, accessControlId, secondaryId };
      });
      const refused = await repo.insertIdentifiers(executor, rows);
      pending = pending.filter((cardId) => refused.has(cardId));
    }
  }

  return {
    /**
     * Gives new cards their identifiers under their institution's definitions, in the caller's
     * transaction (the one creating the cards). Institutions are taken in id order, so two
     * transactions creating cards of several institutions never wait on each other in a cycle.
     * 409 `identifier_range_exhausted` when the ids no longer fit their length.
     */
    async assignFor(executor: Executor, cards: ReadonlyArray<{ cardId: string; institutionId: number }>): Promise<void> {
      const byInstitution = new Map<number, string[]>();
      for (const card of cards) byInstitution.set(card.institutionId, [...(byInstitution.get(card.institutionId) ?? []), card.cardId]);
      for (const institutionId of [...byInstitution.keys()].sort((a, b) => a - b)) {
        await assignInstitution(executor, institutionId, byInstitution.get(institutionId) ?? []);
      }
    },

    /**
     * Stores identifiers cards brought from another card office system, as they are (any format),
     * in the caller's transaction. 409 `identifier_taken` (extensions: the taken values) when one
     * is carried by another card of the institution or given twice, before anything is written.
     * Then moves the institution's sequences past the imported ids its definition could give, so
     * new cards never collide with them.
     */
    async keepImported(executor: Executor, rows: ReadonlyArray<{ cardId: string; institutionId: number; accessControlId: string | null; secondaryId: string | null }>): Promise<void> {
      const kept = rows.filter((row) => row.accessControlId !== null || row.secondaryId !== null);
      const byInstitution = new Map<number, typeof kept>();
      for (const row of kept) byInstitution.set(row.institutionId, [...(byInstitution.get(row.institutionId) ?? []), row]);
      for (const institutionId of [...byInstitution.keys()].sort((a, b) => a - b)) {
        const group = byInstitution.get(institutionId) ?? [];
        const accessControl = group.map((row) => row.accessControlId).filter((value): value is string => value !== null);
        const secondary = group.map((row) => row.secondaryId).filter((value): value is string => value !== null);
        const twice = [...duplicates(accessControl), ...duplicates(secondary)];
        const taken = await repo.findTaken(executor, institutionId, { accessControl, secondary });
        const clashes = [...twice, ...taken.flatMap((row) => [row.accessControlId, row.secondaryId])
          .filter((value): value is string => value !== null && (accessControl.includes(value) || secondary.includes(value)))];
        if (clashes.length > 0) {
          throw conflict('identifier_taken', `${clashes.length} identifier(s) are already carried by another card of this institution or given twice`, {
            extensions: { values: [...new Set(clashes)].slice(0, 100) },
          });
        }
        const refused = await repo.insertIdentifiers(executor, group);
        if (refused.size > 0) throw conflict('identifier_taken', 'An identifier was taken at the same time, or a card already has identifiers', { extensions: { cardIds: [...refused].slice(0, 100) } });
        const definition = await repo.findDefinition(executor, institutionId);
        if (definition) {
          await repo.raiseNext(executor, institutionId, {
            accessControl: nextPast(accessControl, (value) => accessControlSequenceOf(accessControlOf(definition), value)),
            secondary: nextPast(secondary, (value) => secondarySequenceOf(secondaryOf(definition), value)),
          });
        }
      }
    },

    /** The identifiers of these cards (a card without any: both null; an unknown id: absent). */
    async ofCards(executor: Executor, cardIds: string[]): Promise<Map<string, CardIdentifiers>> {
      const rows = await repo.findOfCards(executor, cardIds);
      return new Map(rows.map((row) => [row.cardId, { accessControlId: row.accessControlId, secondaryId: row.secondaryId }]));
    },

    /**
     * The cards carrying exactly `value` (or its upper-case form: generated prefixes are capitals)
     * as an identifier, in any institution: the card list's search narrows them to the caller's
     * scope. Index look-ups only.
     */
    async cardsCarrying(executor: Executor, value: string): Promise<string[]> {
      return repo.findCardsCarrying(executor, [...new Set([value, value.toUpperCase()])], MAX_CARRYING);
    },

    /** An institution's definitions (404 outside the principal's institutions). */
    async definitions(code: string, principal: Principal): Promise<IdentifierDefinitionsView> {
      const { code: found, scoped } = await visible(db, code, principal);
      return toView(found, scoped);
    },

    /**
     * Saves an institution's definitions (admins and managers of it, not limited to some person
     * types: the ids concern every card). 422 `validation_failed` listing each field's problem.
     * The sequences then move past the ids its cards already carry under the new definition.
     */
    async saveDefinitions(code: string, input: IdentifierDefinitionsInput, principal: Principal, context: ActorContext): Promise<IdentifierDefinitionsView> {
      const { next: accessControlNext, ...accessControl } = input.accessControl;
      const { next: secondaryNext, ...secondary } = input.secondary;
      const problems = definitionProblems(accessControl, secondary);
      if (problems.length > 0) {
        throw new ProblemError(422, 'validation_failed', problems.map((problem) => problem.message).join('; '), {
          ...(problems[0] ? { field: problems[0].field } : {}), errors: problems.map((problem) => ({ field: problem.field, code: problem.code, message: problem.message })),
        });
      }
      return inTransaction(db, context, async (trx) => {
        const { id, code: found } = await visible(trx, code, principal);
        if (principal.personTypes !== null) throw forbidden('Card identifiers concern every person type: ask someone not limited to some types', 'identifiers_need_all_person_types');
        await repo.upsertDefinition(trx, id, {
          accessControlEnabled: accessControl.enabled, accessControlOffset: accessControl.offset, accessControlLength: accessControl.length,
          secondaryEnabled: secondary.enabled, secondaryPrefix: secondary.prefix, secondaryOffset: secondary.offset,
          secondaryLength: secondary.length, secondaryCheckDigit: secondary.checkDigit,
        }, principal.actor);
        await repo.setNext(trx, id, { accessControl: accessControlNext, secondary: secondaryNext });
        await advancePastExisting(trx, id, accessControl, secondary);
        const scoped = await repo.findDefinitionInScope(trx, id, principal);
        if (!scoped) throw notFound('institution_not_found', 'No such institution');
        return toView(found, scoped);
      });
    },
  };
}

/** The values present more than once. */
function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) twice.add(value);
    seen.add(value);
  }
  return [...twice];
}

export type CardIdentifiersService = ReturnType<typeof createCardIdentifiersService>;
