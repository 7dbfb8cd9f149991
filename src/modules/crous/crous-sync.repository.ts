import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { subjectsRelation, type Subject } from '../../platform/sync/sync-outbox.repository.ts';

/**
 * The CROUS connector's read model of the other contexts (persons, enrolments, consents, cards,
 * connector settings): what it computes the CROUS's state from. The outbox, records and leases
 * are the connector engine's (`platform/sync`).
 */

/** One subject's person, enrolment and CROUS consent. */
export interface CrousSubjectRow {
  institutionId: number;
  personId: string;
  eppn: string;
  firstName: string;
  lastName: string;
  email: string | null;
  birthDate: string | null;
  ine: string | null;
  /** False when the person is no longer enrolled at the institution. */
  enrolled: boolean;
  personType: string | null;
  rightsEnd: string | null;
  /** The person's CROUS consent decision; null: never decided. */
  consent: boolean | null;
}

/** The persons of these subjects (missing persons left out), with their enrolment there and their CROUS consent. One query. */
export async function findSubjectPersons(executor: Executor, subjects: readonly Subject[]): Promise<CrousSubjectRow[]> {
  if (subjects.length === 0) return [];
  const result = await sql<Omit<CrousSubjectRow, 'institutionId'> & { institutionId: number | string }>`
    SELECT s.institution_id AS "institutionId", s.person_id AS "personId", p.eppn, p.first_name AS "firstName", p.last_name AS "lastName",
      p.email, p.birth_date::text AS "birthDate", p.ine, e.person_id IS NOT NULL AS enrolled, e.person_type AS "personType",
      e.rights_end::text AS "rightsEnd", pc.granted AS consent
    FROM ${subjectsRelation(subjects)}
    JOIN persons p ON p.id = s.person_id
    LEFT JOIN enrolments e ON e.person_id = s.person_id AND e.institution_id = s.institution_id
    LEFT JOIN person_consents pc ON pc.person_id = s.person_id AND pc.kind = 'crous'`.execute(executor);
  return result.rows.map((row) => ({ ...row, institutionId: Number(row.institutionId) }));
}

/** A card as the CROUS connector reads it. */
export interface CrousCardRow {
  id: string;
  institutionId: number;
  personId: string;
  state: string;
  csn: string | null;
  disableReason: string | null;
  /** The sequence number of the card's first move: stable, unique across the deployment; null without a move. */
  sequence: number | null;
  firstEnabledAt: Date | null;
}

/**
 * The cards each subject's institution issued to its person that reached ENABLED at least once
 * (the others never went to the CROUS), with their first move's sequence number. One query.
 */
export async function findSubjectCards(executor: Executor, subjects: readonly Subject[]): Promise<CrousCardRow[]> {
  if (subjects.length === 0) return [];
  const result = await sql<{ id: string; institutionId: number | string; personId: string; state: string; csn: string | null; disableReason: string | null;
    sequence: number | string | null; firstEnabledAt: Date | string | null }>`
    SELECT c.id, c.institution_id AS "institutionId", c.person_id AS "personId", c.state, c.csn, c.disable_reason AS "disableReason",
      (SELECT min(m.seq) FROM card_moves m WHERE m.card_id = c.id) AS sequence,
      (SELECT min(m.at) FROM card_moves m WHERE m.card_id = c.id AND m.to_state = 'ENABLED') AS "firstEnabledAt"
    FROM ${subjectsRelation(subjects)}
    JOIN cards c ON c.person_id = s.person_id AND c.institution_id = s.institution_id
    WHERE c.csn IS NOT NULL AND (c.state = 'ENABLED' OR c.enabled_at IS NOT NULL
      OR EXISTS (SELECT 1 FROM card_moves m WHERE m.card_id = c.id AND m.to_state = 'ENABLED'))
    ORDER BY c.created_at, c.id`.execute(executor);
  return result.rows.map((row) => ({
    id: row.id, institutionId: Number(row.institutionId), personId: row.personId, state: row.state, csn: row.csn, disableReason: row.disableReason,
    sequence: row.sequence === null ? null : Number(row.sequence),
    firstEnabledAt: row.firstEnabledAt === null ? null : new Date(row.firstEnabledAt),
  }));
}
