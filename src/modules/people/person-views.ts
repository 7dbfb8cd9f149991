/**
 * How persons, enrolments and consent events are shown by the API: rows of the people repository
 * turned into views, the enrolment shown flat chosen by the reader's focus.
 */
import type { InstitutionRef } from '../institution/institution.service.ts';
import type { AcademicLevelIsced } from './domain/person.ts';
import type * as repo from './people.repository.ts';
import type { ConsentEventView, EnrolmentView, PersonView } from './people.service.ts';

/** Institutions' codes and names by id, to name an enrolment's institution. */
export type InstitutionNames = ReadonlyMap<number, Pick<InstitutionRef, 'code' | 'name'>>;

/** An enrolment row as the API shows it, with its institution's code and name. */
export function enrolmentView(row: repo.EnrolmentRow, names: InstitutionNames): EnrolmentView {
  const institution = names.get(row.institutionId);
  return {
    institution: institution?.code ?? String(row.institutionId),
    institutionName: institution?.name ?? '',
    institutionId: row.institutionId,
    personType: row.personType,
    studentNumber: row.studentNumber,
    rightsEnd: row.rightsEnd,
    academicLevel: row.academicLevel as AcademicLevelIsced | null,
    affiliation: row.affiliation,
  };
}

/** The view of a person showing `shown` flat, with `enrolments` listed. */
export function view(row: repo.PersonRow, shown: repo.EnrolmentRow, enrolments: readonly repo.EnrolmentRow[], names: InstitutionNames): PersonView {
  const flat = enrolmentView(shown, names);
  return {
    id: row.id,
    eppn: row.eppn,
    firstName: row.firstName,
    lastName: row.lastName,
    birthDate: row.birthDate,
    email: row.email,
    institution: flat.institution,
    institutionId: flat.institutionId,
    personType: flat.personType,
    studentNumber: flat.studentNumber,
    ine: row.ine,
    esi: row.esi,
    academicLevel: flat.academicLevel,
    rightsEnd: flat.rightsEnd,
    affiliation: flat.affiliation,
    freeFields: row.freeFields,
    locale: row.locale,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
    enrolments: enrolments.map((enrolment) => enrolmentView(enrolment, names)),
  };
}

/** The enrolment shown flat: the one at the focused institution, else the first by institution id. */
export function shownEnrolment<T extends { institutionId: number }>(enrolments: readonly T[], focusInstitutionId: number | null): T | undefined {
  return enrolments.find((enrolment) => enrolment.institutionId === focusInstitutionId) ?? enrolments[0];
}

/** A consent event as the API shows it (ISO date). */
export function viewEvent(row: repo.ConsentEventRow): ConsentEventView {
  return { ...row, at: row.at.toISOString() };
}
