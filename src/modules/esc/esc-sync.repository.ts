import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { subjectsRelation, type Subject } from '../../platform/sync/sync-outbox.repository.ts';

/**
 * The ESC Router connector's read model of the other contexts (persons, enrolments, consents,
 * cards, institutions): what it computes the router's state from. The outbox, records and leases
 * are the connector engine's (`platform/sync`).
 */

/** One subject's current data, as the sync reads it. */
export interface SubjectFactsRow {
  institutionId: number;
  personId: string;
  firstName: string;
  lastName: string;
  email: string | null;
  esi: string | null;
  /** False when the person is no longer enrolled at the institution. */
  enrolled: boolean;
  academicLevel: number | null;
  rightsEnd: string | null;
  consentGranted: boolean;
}

/**
 * The persons of these subjects (missing persons left out) with their enrolment at the subject's
 * institution and their ESC consent (a person's decision, valid at every institution). One query
 * whatever the batch size.
 */
export async function findSubjectFacts(executor: Executor, subjects: readonly Subject[]): Promise<SubjectFactsRow[]> {
  if (subjects.length === 0) return [];
  const result = await sql<Omit<SubjectFactsRow, 'institutionId'> & { institutionId: number | string }>`
    SELECT s.institution_id AS "institutionId", s.person_id AS "personId", p.first_name AS "firstName", p.last_name AS "lastName",
      p.email, p.esi, e.person_id IS NOT NULL AS enrolled, e.academic_level AS "academicLevel", e.rights_end::text AS "rightsEnd",
      coalesce(pc.granted, false) AS "consentGranted"
    FROM ${subjectsRelation(subjects)}
    JOIN persons p ON p.id = s.person_id
    LEFT JOIN enrolments e ON e.person_id = s.person_id AND e.institution_id = s.institution_id
    LEFT JOIN person_consents pc ON pc.person_id = s.person_id AND pc.kind = 'esc'`.execute(executor);
  return result.rows.map((row) => ({ ...row, institutionId: Number(row.institutionId) }));
}

/** A numbered card as the sync reads it. */
export interface SubjectCardRow {
  id: string;
  institutionId: number;
  personId: string;
  escn: string;
  state: string;
  cardKind: 'physical' | 'virtual';
  expiresAt: string | null;
  createdAt: Date;
  firstEnabledAt: Date | null;
}

/**
 * The numbered cards each subject's institution issued to its person (a shared federation card
 * belongs to its issuing member only), with the day each was first enabled. One query.
 */
export async function findSubjectCards(executor: Executor, subjects: readonly Subject[]): Promise<SubjectCardRow[]> {
  if (subjects.length === 0) return [];
  const result = await sql<Omit<SubjectCardRow, 'institutionId'> & { institutionId: number | string }>`
    SELECT c.id, c.institution_id AS "institutionId", c.person_id AS "personId", c.escn, c.state, c.card_kind AS "cardKind",
      c.expires_at::text AS "expiresAt", c.created_at AS "createdAt",
      (SELECT min(m.at) FROM card_moves m WHERE m.card_id = c.id AND m.to_state = 'ENABLED') AS "firstEnabledAt"
    FROM ${subjectsRelation(subjects)}
    JOIN cards c ON c.person_id = s.person_id AND c.institution_id = s.institution_id
    WHERE c.escn IS NOT NULL
    ORDER BY c.created_at, c.id`.execute(executor);
  return result.rows.map((row) => ({
    ...row,
    institutionId: Number(row.institutionId),
    createdAt: new Date(row.createdAt),
    firstEnabledAt: row.firstEnabledAt === null ? null : new Date(row.firstEnabledAt),
  }));
}

/** Names and eppns of these persons, and the numbered cards each institution issued them: what labels entries. */
export async function findHolders(executor: Executor, personIds: readonly string[]): Promise<{
  names: Array<{ id: string; firstName: string; lastName: string; eppn: string }>;
  cards: Array<{ id: string; personId: string; institutionId: number; escn: string; state: string; createdAt: Date }>;
}> {
  if (personIds.length === 0) return { names: [], cards: [] };
  const names = await executor.selectFrom('persons').select(['id', 'firstName', 'lastName', 'eppn']).where('id', 'in', personIds).execute();
  const cards = await executor.selectFrom('cards').select(['id', 'personId', 'institutionId', 'escn', 'state', 'createdAt'])
    .where('personId', 'in', personIds).where('escn', 'is not', null).orderBy('createdAt').orderBy('id').execute();
  return { names, cards: cards.map((card) => ({ ...card, institutionId: Number(card.institutionId), escn: card.escn as string })) };
}

/** An institution as the sync needs it: its PIC and its own API key, encrypted. */
export interface SyncInstitutionRow {
  id: number;
  code: string;
  kind: 'institution' | 'federation';
  pic: string | null;
  escApiKeyEncrypted: string | null;
}

/** These institutions (unknown ids left out). */
export async function findSyncInstitutions(executor: Executor, ids: readonly number[]): Promise<SyncInstitutionRow[]> {
  if (ids.length === 0) return [];
  const rows = await executor.selectFrom('institutions').select(['id', 'code', 'kind', 'pic', 'escApiKeyEncrypted'])
    .where('id', 'in', [...ids]).execute();
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** Stores (or, with null, removes) an institution's encrypted key. Returns whether the institution exists. */
export async function storeApiKey(executor: Executor, institutionId: number, encrypted: string | null): Promise<boolean> {
  const result = await executor.updateTable('institutions').set({ escApiKeyEncrypted: encrypted })
    .where('id', '=', institutionId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The issuing institution of a card, if the card exists. */
export async function cardInstitution(executor: Executor, cardId: string): Promise<number | undefined> {
  const row = await executor.selectFrom('cards').select('institutionId').where('id', '=', cardId).executeTakeFirst();
  return row ? Number(row.institutionId) : undefined;
}
