import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext } from '../../platform/db/database.ts';
import type { PeopleService } from '../people/people.service.ts';
import { academicYear } from './domain/crous-account-file.ts';

/** Demo persons who gave their CROUS consent (on the paper enrolment form); Hugo Dubois did not. */
export const DEMO_CROUS_CONSENTS: readonly string[] = [
  'camille.martin@univ-demo.fr', 'lea.bernard@univ-demo.fr', 'ines.moreau@univ-demo.fr', 'lucas.laurent@univ-demo.fr',
  'sophie.lefebvre@univ-demo.fr', 'thomas.roux@univ-demo.fr', 'jules.garnier@ecole-demo.fr', 'nina.faure@ecole-demo.fr',
];

/** Continuing students: their enrolments date from the previous academic year, so they are re-enrolments. */
export const DEMO_CONTINUING_STUDENTS: readonly string[] = [
  'lea.bernard@univ-demo.fr', 'ines.moreau@univ-demo.fr', 'lucas.laurent@univ-demo.fr', 'hugo.dubois@univ-demo.fr', 'jules.garnier@ecole-demo.fr',
];

/**
 * What the CROUS files need in the demo: most persons consent to the CROUS (Hugo does not: the
 * files leave him out), and the continuing students' enrolments are dated 1 October of the
 * previous academic year (the demo creates everyone today, which would make every student a new
 * entrant). Camille stays a new entrant. Runs inside the demo seeding, once per database.
 */
export async function seedDemoCrousFiles(deps: {
  db: Kysely<Database>;
  people: Pick<PeopleService, 'consentTexts' | 'setConsent'>;
  personIdOf: (eppn: string) => string | undefined;
  context: ActorContext;
  now: Date;
}): Promise<void> {
  const version = (await deps.people.consentTexts('fr')).find((text) => text.kind === 'crous')?.version;
  if (version === undefined) return;
  for (const eppn of DEMO_CROUS_CONSENTS) {
    const personId = deps.personIdOf(eppn);
    if (personId === undefined) continue;
    await deps.people.setConsent(personId, { kind: 'crous', granted: true, textVersion: version, locale: 'fr', channel: 'paper' }, deps.context);
  }
  const year = academicYear(deps.now.toISOString().slice(0, 10));
  const enrolledAt = `${Number(year.start.slice(0, 4)) - 1}-10-01T09:00:00Z`;
  const ids = DEMO_CONTINUING_STUDENTS.map(deps.personIdOf).filter((id): id is string => id !== undefined);
  if (ids.length === 0) return;
  await inTransaction(deps.db, deps.context, (trx) =>
    sql`UPDATE enrolments SET created_at = ${enrolledAt}::timestamptz WHERE person_id = ANY (${`{${ids.join(',')}}`}::uuid[])`.execute(trx));
}
