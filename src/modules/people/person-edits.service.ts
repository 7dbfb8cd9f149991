import { inTransaction, isUniqueViolation, type ActorContext } from '../../platform/db/database.ts';
import { scopeAdmits, WHOLE_DEPLOYMENT } from '../../platform/db/scope-filter.ts';
import { conflict, notFound } from '../../platform/http/problem.ts';
import { esiEquals } from '../esc/domain/esi.ts';
import { institutionNotFound } from '../institution/institution.service.ts';
import { validatePersonInput, type PersonLocale } from './domain/person.ts';
import { personNotFound, personNotWritable, scopeCoversType, SYSTEM_READER, SYSTEM_WRITER, type PersonWriter } from './people.policy.ts';
import * as repo from './people.repository.ts';
import type { PersonView } from './people.service.ts';
import {
  changedEnrolment, changedIdentity, deriveEsi, ENROLMENT_FIELDS, enrolmentOf, identityOf, inputOf, ordered, splitInstitution, storedEnrolment,
  storedIdentity,
} from './person-input.ts';
import { invalidPerson } from './person-problems.ts';
import { EPPN_CONSTRAINT, UUID, type PersonStore } from './person-store.service.ts';
import { shownEnrolment } from './person-views.ts';

/** Writing one person: creating (or enrolling at another institution), changing fields, ending an enrolment, setting the language of their mails. */
export function createPersonEdits(store: PersonStore) {
  const { db, institution, today, acceptedTypes, load, writerReader, eppnConflict, notify, createIn } = store;
  return {
    /**
     * Creates a person from raw input (API body) at the institution the body names (`institution`,
     * a code) or the writer's focused or only one (see `institution.targetFor`: 404
     * `institution_not_found`, 422 `institution_required`). Validation problems are one 422
     * `invalid_person` listing every field; a type the institution does not define is 422
     * `unknown_person_type`. A person with this eppn enrolled elsewhere is enrolled here too (201,
     * their other enrolments untouched); one already enrolled here is 409 `eppn_taken`. A type
     * outside the writer's limits, or an eppn enrolled here with such a type, is the same 422
     * `person_type_not_allowed`. Without an ESI, one is derived from the institution's ESI scope.
     */
    async create(raw: unknown, context: ActorContext, options: { writer?: PersonWriter } = {}): Promise<PersonView> {
      const writer = options.writer ?? SYSTEM_WRITER;
      const { code, body } = splitInstitution(raw);
      for (let attempt = 1; ; attempt++) {
        try {
          return await inTransaction(db, context, async (trx) => {
            const target = await institution.targetFor(trx, writer, code);
            const validated = validatePersonInput(body, { today: today(), personTypes: await acceptedTypes(trx, target.id) });
            if (!validated.ok) throw invalidPerson(validated.errors);
            if (!scopeCoversType(writer, validated.value.personType)) throw personNotWritable();
            return createIn(trx, writer, target, validated.value);
          });
        } catch (error) {
          // Somebody created this eppn at the same moment: the second attempt sees their row.
          if (isUniqueViolation(error, EPPN_CONSTRAINT) && attempt < 2) continue;
          throw error;
        }
      }
    },

    /**
     * Changes some fields of a person. `patch` holds the fields to change; null clears an
     * optional field. Identity fields are the person's; enrolment fields (type, student number,
     * rights end, academic level, affiliation) those of the enrolment at the institution the
     * patch names (`institution`), else the writer's focus, else the person's only enrolment the
     * writer may write, else the writer's only institution (422 `institution_required` when
     * that is ambiguous). Enrolment fields for an institution where the person is not enrolled
     * yet enrol them there (`personType` is then required). The whole resulting record is
     * validated (422 `invalid_person`, `unknown_person_type`). With `expectedVersion`, a person
     * changed since that version is 409 `version_conflict`. An ESI that was derived follows its
     * source (INE or student number); one given explicitly stays until changed explicitly.
     * Nothing changed: no write, same version.
     * A person with no enrolment the writer may write is 404; moving an enrolment to a type
     * outside the writer's limits, or to the eppn of a person out of their sight, is 422
     * `person_type_not_allowed`.
     */
    async update(
      id: string,
      patch: Record<string, unknown>,
      context: ActorContext,
      options: { expectedVersion?: number | undefined; writer?: PersonWriter } = {},
    ): Promise<PersonView> {
      const writer = options.writer ?? SYSTEM_WRITER;
      let newEppn: string | undefined;
      try {
        return await inTransaction(db, context, async (trx) => {
          const row = UUID.test(id) ? await repo.findPersonById(trx, id, true) : undefined;
          const enrolments = row ? await repo.findEnrolments(trx, [row.id], WHOLE_DEPLOYMENT) : [];
          const writable = enrolments.filter((enrolment) => scopeAdmits(writer, enrolment.institutionId, enrolment.personType));
          if (!row || writable.length === 0) throw personNotFound();
          if (options.expectedVersion !== undefined && options.expectedVersion !== row.version) {
            throw conflict('version_conflict', `The person was changed meanwhile (version ${row.version}, you had ${options.expectedVersion}); reload and retry`,
              { extensions: { currentVersion: row.version } });
          }
          const { code, body } = splitInstitution(patch);
          const fields = body as Record<string, unknown>;
          const touchesEnrolment = ENROLMENT_FIELDS.some((field) => field in fields);
          let targetId: number;
          if (code !== undefined || (touchesEnrolment && (writer.focusInstitutionId !== null || writable.length > 1))) {
            targetId = (await institution.targetFor(trx, writer, code)).id;
          } else {
            targetId = (shownEnrolment(writable, writer.focusInstitutionId) as repo.EnrolmentRow).institutionId;
          }
          let current = enrolments.find((enrolment) => enrolment.institutionId === targetId);
          if (current && !scopeCoversType(writer, current.personType)) throw personNotWritable();
          if (!current && !touchesEnrolment) {
            // Identity alone, for a focus the person is not enrolled at: their first writable enrolment shows.
            current = writable[0] as repo.EnrolmentRow;
            targetId = current.institutionId;
          }
          const validated = validatePersonInput({ ...inputOf(row, storedEnrolment(current)), ...fields },
            { today: today(), personTypes: await acceptedTypes(trx, targetId, current?.personType) });
          if (!validated.ok) throw invalidPerson(validated.errors);
          const input = validated.value;
          newEppn = input.eppn;
          if (!scopeCoversType(writer, input.personType)) throw personNotWritable();
          const inst = await institution.find(trx, targetId);
          let esi: string | null;
          if ('esi' in fields) {
            esi = input.esi ?? deriveEsi(inst, input);
          } else {
            const derivedBefore = deriveEsi(inst, { ...(row.ine ? { ine: row.ine } : {}), ...(current?.studentNumber ? { studentNumber: current.studentNumber } : {}) });
            const wasDerived = row.esi === null || (derivedBefore !== null && esiEquals(row.esi, derivedBefore));
            // Another institution's enrolment may be what the stored ESI was derived from: it stays
            // when this institution derives none.
            const shared = enrolments.some((enrolment) => enrolment.institutionId !== targetId);
            esi = wasDerived ? deriveEsi(inst, input) ?? (shared ? row.esi : null) : row.esi;
          }
          const beforeIdentity = storedIdentity(row);
          const afterIdentity = identityOf(input, esi);
          const identityChanges = changedIdentity(beforeIdentity, afterIdentity);
          const beforeEnrolment = storedEnrolment(current);
          const afterEnrolment = enrolmentOf(input);
          const enrolmentChanges = changedEnrolment(beforeEnrolment, afterEnrolment);
          if (identityChanges.length === 0 && enrolmentChanges.length === 0) return load(trx, row.id, writerReader(writer), targetId);
          const changes = Object.fromEntries(identityChanges.map((field) => [field, afterIdentity[field]])) as Partial<repo.IdentityValues>;
          const updated = await repo.updatePerson(trx, row.id, row.version, changes);
          if (!updated) throw conflict('version_conflict', 'The person was changed meanwhile; reload and retry');
          if (enrolmentChanges.length > 0) await repo.upsertEnrolment(trx, row.id, targetId, afterEnrolment);
          const person = await load(trx, row.id, SYSTEM_READER, targetId);
          await notify(trx, [{ person, changedFields: ordered([...identityChanges, ...enrolmentChanges]), created: false }], 'api');
          return load(trx, row.id, writerReader(writer), targetId);
        });
      } catch (error) {
        if (isUniqueViolation(error, EPPN_CONSTRAINT) && newEppn !== undefined) throw await eppnConflict(newEppn, writer);
        throw error;
      }
    },

    /**
     * Ends a person's enrolment at an institution (code). 404 `institution_not_found` for an
     * institution outside the writer's scope, `person_not_found` for a person out of their sight,
     * `enrolment_not_found` when the person is not enrolled there (or with a type outside their
     * limits); 409 `last_enrolment` for the person's only enrolment (a person is always enrolled
     * somewhere), 409 `enrolment_has_cards` when that institution issued the person cards (they
     * keep the enrolment they were issued for).
     */
    async removeEnrolment(personId: string, code: string, context: ActorContext, options: { writer?: PersonWriter } = {}): Promise<void> {
      const writer = options.writer ?? SYSTEM_WRITER;
      try {
        await inTransaction(db, context, async (trx) => {
          const target = await institution.byCode(trx, code.trim().toLowerCase());
          if (!target || (writer.institutionIds !== null && !writer.institutionIds.includes(target.id))) throw institutionNotFound();
          const row = UUID.test(personId) ? await repo.findPersonById(trx, personId, true) : undefined;
          const enrolments = row ? await repo.findEnrolments(trx, [row.id], WHOLE_DEPLOYMENT) : [];
          if (!row || !enrolments.some((enrolment) => scopeAdmits(writer, enrolment.institutionId, enrolment.personType))) throw personNotFound();
          const there = enrolments.find((enrolment) => enrolment.institutionId === target.id);
          if (!there || !scopeCoversType(writer, there.personType)) {
            throw notFound('enrolment_not_found', 'The person is not enrolled at this institution');
          }
          if (enrolments.length === 1) {
            throw conflict('last_enrolment', 'This is the person\'s only enrolment; a person is always enrolled somewhere');
          }
          await repo.deleteEnrolment(trx, row.id, target.id);
          await repo.updatePerson(trx, row.id, row.version, {});
        });
      } catch (error) {
        const fault = error as { code?: string; constraint?: string };
        if (fault?.code === '23503' && fault.constraint?.startsWith('cards_')) {
          throw conflict('enrolment_has_cards', 'This institution issued cards for this enrolment; it stays while they exist');
        }
        throw error;
      }
    },

    /**
     * Sets the language of a person's mails (null: the institution's default), whatever else the
     * record holds: the person chooses it themselves, so no other field is validated again.
     * Nothing changed: no write, same version. 404 when there is no such person.
     */
    async setLocale(id: string, locale: PersonLocale | null, context: ActorContext): Promise<PersonView> {
      return inTransaction(db, context, async (trx) => {
        const row = UUID.test(id) ? await repo.findPersonById(trx, id, true) : undefined;
        if (!row) throw personNotFound();
        if (row.locale === locale) return load(trx, row.id);
        const updated = await repo.updatePerson(trx, row.id, row.version, { locale });
        if (!updated) throw conflict('version_conflict', 'The person was changed meanwhile; reload and retry');
        const person = await load(trx, row.id);
        await notify(trx, [{ person, changedFields: ['locale'], created: false }], 'api');
        return person;
      });
    },
  };
}
