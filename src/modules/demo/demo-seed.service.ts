import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext } from '../../platform/db/database.ts';
import { FIRST_INSTITUTION_ID } from '../institution/institution.repository.ts';
import type { Principal, Role } from '../auth/domain/roles.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import { createInstitutionAdminService } from '../institution/institution-admin.service.ts';
import type { PeopleService } from '../people/people.service.ts';
import type { PhotosService } from '../photos/photos.service.ts';
import type { CardsService } from '../cards/cards.service.ts';
import { seedDemoCrousFiles } from '../crous/crous-files.demo.ts';
import type { CardTemplatesService } from '../card-templates/card-templates.service.ts';
import { STAFF_TEMPLATE, STUDENT_TEMPLATE } from '../card-templates/domain/default-templates.ts';
import type { CardIdentifiersService, IdentifierDefinitionsInput } from '../card-identifiers/card-identifiers.service.ts';

export interface DemoLogin {
  role: Role;
  email: string;
  password: string;
  /** What a visitor does with this account, in a few words (printed next to the login). */
  purpose: { en: string; fr: string };
}

const DEMO_CONTEXT: ActorContext = { actor: 'demo-seed' };
/** The university's card identifiers: a 16-digit access-control id, an 8-digit library barcode with a Luhn check digit. */
const DEMO_IDENTIFIERS: IdentifierDefinitionsInput = {
  accessControl: { enabled: true, offset: '1234500000000000', length: 16 },
  secondary: { enabled: true, prefix: '', offset: '20000000', length: 8, checkDigit: 'luhn' },
};
const DEMO_PRINCIPAL: Principal = {
  kind: 'token', id: 'demo-seed', actor: 'demo-seed', displayName: 'Demo seed', role: 'admin', personTypes: null, personId: null,
  institutionIds: null, grantedInstitutionIds: null, focusInstitutionId: null,
};
const DEMO_STATION: Principal = { ...DEMO_PRINCIPAL, id: 'demo-station', actor: 'demo-station', displayName: 'Demo print station', role: 'station' };

/** Codes of the demo federation and its two members (the university is the deployment's first institution). */
export const DEMO_INSTITUTIONS = { federation: 'federation-demo', university: 'univ-demo', school: 'ecole-demo' } as const;

const UNIVERSITY = {
  name: 'Université de Démonstration', pic: '999000001', uai: '0751234J', schacHomeOrganization: 'univ-demo.fr',
  country: 'FR', esiScope: 'national' as const, colors: { primary: '#1d4ed8', secondary: '#0f172a' },
};
const SCHOOL = {
  name: 'École de Démonstration', pic: '999000002', uai: '0922468H', schacHomeOrganization: 'ecole-demo.fr',
  country: 'FR', esiScope: 'national' as const, colors: { primary: '#b45309', secondary: '#1c1917' },
};

const { university: U, school: S } = DEMO_INSTITUTIONS;

/** People of the demo and where they are enrolled; Inès Moreau is a student at both institutions. */
const DEMO_PEOPLE = [
  { institution: U, eppn: 'camille.martin@univ-demo.fr', firstName: 'Camille', lastName: 'Martin', personType: 'student', studentNumber: '22400101', ine: '123456789AB', academicLevel: 6, birthDate: '2004-03-14' },
  { institution: U, eppn: 'lea.bernard@univ-demo.fr', firstName: 'Léa', lastName: 'Bernard', personType: 'student', studentNumber: '22400102', ine: '234567891BC', academicLevel: 7, birthDate: '2001-11-02' },
  { institution: U, eppn: 'hugo.dubois@univ-demo.fr', firstName: 'Hugo', lastName: 'Dubois', personType: 'student', studentNumber: '22400103', ine: '345678912CD', academicLevel: 6, birthDate: '2005-06-21' },
  { institution: U, eppn: 'ines.moreau@univ-demo.fr', firstName: 'Inès', lastName: 'Moreau', personType: 'student', studentNumber: '22400104', ine: '456789123DE', academicLevel: 8, birthDate: '1998-01-30' },
  { institution: U, eppn: 'lucas.laurent@univ-demo.fr', firstName: 'Lucas', lastName: 'Laurent', personType: 'student', studentNumber: '22400105', ine: '567891234EF', academicLevel: 6, birthDate: '2003-09-09' },
  { institution: U, eppn: 'sophie.lefebvre@univ-demo.fr', firstName: 'Sophie', lastName: 'Lefebvre', personType: 'staff', birthDate: '1985-04-12' },
  { institution: U, eppn: 'thomas.roux@univ-demo.fr', firstName: 'Thomas', lastName: 'Roux', personType: 'staff', birthDate: '1979-12-01' },
  { institution: U, eppn: 'maria.rossi@unipv.example', firstName: 'Maria', lastName: 'Rossi', personType: 'guest', birthDate: '2002-07-07' },
  // The same Inès (same eppn and INE), also a student at the school: a second enrolment.
  { institution: S, eppn: 'ines.moreau@univ-demo.fr', firstName: 'Inès', lastName: 'Moreau', personType: 'student', studentNumber: 'E2400017', ine: '456789123DE', academicLevel: 8, birthDate: '1998-01-30' },
  { institution: S, eppn: 'jules.garnier@ecole-demo.fr', firstName: 'Jules', lastName: 'Garnier', personType: 'student', studentNumber: 'E2400018', ine: '678912345FG', academicLevel: 7, birthDate: '2002-02-17' },
  { institution: S, eppn: 'nina.faure@ecole-demo.fr', firstName: 'Nina', lastName: 'Faure', personType: 'staff', birthDate: '1990-10-05' },
] as const;

function rightsEnd(now: Date): string {
  return `${now.getUTCFullYear() + 1}-08-31`;
}

/** A student and a staff template per institution, and the rules choosing them (students; everybody else). */
async function seedTemplates(templates: Pick<CardTemplatesService, 'create' | 'createRule'>, codes: readonly string[]): Promise<void> {
  for (const code of codes) {
    const students = await templates.create(DEMO_PRINCIPAL, { institution: code, name: 'Carte étudiante', layout: STUDENT_TEMPLATE }, DEMO_CONTEXT);
    const staff = await templates.create(DEMO_PRINCIPAL, { institution: code, name: 'Carte personnels', layout: STAFF_TEMPLATE }, DEMO_CONTEXT);
    await templates.createRule(DEMO_PRINCIPAL, { institution: code, personType: 'student', cardKind: null, templateId: students.id }, DEMO_CONTEXT);
    await templates.createRule(DEMO_PRINCIPAL, { institution: code, personType: null, cardKind: null, templateId: staff.id }, DEMO_CONTEXT);
  }
}

/** A neutral placeholder portrait (initials on a coloured background), made without any file. */
async function placeholderPhoto(initials: string, hue: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="600"><rect width="100%" height="100%" fill="hsl(${hue},45%,78%)"/>
    <circle cx="240" cy="230" r="120" fill="hsl(${hue},35%,55%)"/><rect x="90" y="380" width="300" height="260" rx="150" fill="hsl(${hue},35%,55%)"/>
    <text x="240" y="255" font-family="sans-serif" font-size="90" text-anchor="middle" fill="white">${initials}</text></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/**
 * Sets up the demo federation: "Fédération Démo" (cards not shared) with two members, the
 * deployment's first institution become "Université de Démonstration" and a new "École de
 * Démonstration", each with its own PIC (so the ESC sync uses a key of its own for each, the
 * embedded router issuing one per PIC). The first institution is changed only while it is still
 * the placeholder a new database starts with (no PIC); an institution an admin set up stays.
 */
async function setUpInstitutions(db: Kysely<Database>, institution: InstitutionService): Promise<void> {
  const admin = createInstitutionAdminService(db);
  await admin.create(DEMO_PRINCIPAL, {
    code: DEMO_INSTITUTIONS.federation, name: 'Fédération Démo', kind: 'federation', country: 'FR', settings: { sharedCard: false },
  }, DEMO_CONTEXT);
  const first = await institution.byId(db, FIRST_INSTITUTION_ID);
  if (first && first.pic === null) {
    // No route renames an institution (codes are in URLs and grants): the demo names its own.
    await inTransaction(db, DEMO_CONTEXT, (trx) =>
      trx.updateTable('institutions').set({ code: U }).where('id', '=', FIRST_INSTITUTION_ID).execute());
    await admin.update(DEMO_PRINCIPAL, U, { ...UNIVERSITY, parent: DEMO_INSTITUTIONS.federation }, DEMO_CONTEXT);
  }
  await admin.create(DEMO_PRINCIPAL, { code: S, kind: 'institution', parent: DEMO_INSTITUTIONS.federation, ...SCHOOL }, DEMO_CONTEXT);
}

/**
 * First-start demo data: a federation of two institutions, people (one student enrolled at both)
 * with cards in several states at each, and accounts with fresh random passwords: two students,
 * a card office manager for each institution, one for the federation (both institutions), and
 * an admin of everything. Runs once per database (claimed atomically on the first institution's
 * row, so several nodes starting together seed once). Returns the logins to print, or undefined
 * when the database was seeded before.
 */
export async function seedDemo(deps: {
  db: Kysely<Database>;
  logger: Logger;
  auth: AuthService;
  institution: InstitutionService;
  people: PeopleService;
  photos: PhotosService;
  cards: CardsService;
  /**
   * When given, each institution gets a student and a staff template, and the rules choosing them,
   * and each card the demo prints records the template version it was printed with.
   */
  cardTemplates?: Pick<CardTemplatesService, 'create' | 'createRule' | 'versionsOf' | 'recordPrints'>;
  /**
   * Called once the demo institutions exist, before any person: what configures connectors for
   * them (the embedded CROUS) runs here, so that the people, consents and cards made next write
   * their outbox entries in their own transactions, as every later change does.
   */
  institutionsReady?: () => Promise<void>;
  /** When given, the university's cards carry an access-control id and a library barcode. */
  cardIdentifiers?: Pick<CardIdentifiersService, 'saveDefinitions'>;
  now?: () => Date;
}): Promise<DemoLogin[] | undefined> {
  const now = deps.now ?? (() => new Date());
  const claimed = await inTransaction(deps.db, DEMO_CONTEXT, (trx) => deps.institution.claimDemoSeed(trx, now()));
  if (!claimed) return undefined;
  await setUpInstitutions(deps.db, deps.institution);
  await deps.institutionsReady?.();
  const universityCode = (await deps.institution.byId(deps.db, FIRST_INSTITUTION_ID))?.code ?? U;
  const codeOf = (code: string) => (code === U ? universityCode : code);
  // Card templates: students get the student design, everybody else the staff one, at each institution.
  if (deps.cardTemplates) await seedTemplates(deps.cardTemplates, [codeOf(U), S]);
  if (deps.cardIdentifiers) await deps.cardIdentifiers.saveDefinitions(universityCode, DEMO_IDENTIFIERS, DEMO_PRINCIPAL, DEMO_CONTEXT);

  const persons = [];
  for (const person of DEMO_PEOPLE) {
    persons.push(await deps.people.create({ ...person, institution: codeOf(person.institution), email: person.eppn, rightsEnd: rightsEnd(now()) }, DEMO_CONTEXT));
  }
  const byEppn = new Map(persons.map((person) => [person.eppn, person]));
  const idOf = (eppn: string) => (byEppn.get(eppn) as { id: string }).id;
  // CROUS consents and continuing students' enrolments, so the CROUS files have something to show.
  await seedDemoCrousFiles({ db: deps.db, people: deps.people, personIdOf: (eppn) => byEppn.get(eppn)?.id, context: DEMO_CONTEXT, now: now() });

  const requestWithPhoto = async (eppn: string, hue: number, institutionCode: string) => {
    const person = byEppn.get(eppn) as { id: string; firstName: string; lastName: string };
    const prepared = await deps.photos.prepare(await placeholderPhoto(`${person.firstName[0]}${person.lastName[0]}`, hue));
    return deps.cards.request(person.id, { institution: codeOf(institutionCode), channel: 'office', cardKind: 'physical', photo: { prepared } },
      DEMO_PRINCIPAL, DEMO_CONTEXT);
  };
  const move = (cardId: string, to: string, principal = DEMO_PRINCIPAL) => deps.cards.move(cardId, { to }, principal, DEMO_CONTEXT);
  /**
   * Records the template version a card is printed with, as a batch's confirmation does: a
   * physical card keeps its printed face when the template is edited later.
   */
  const recordPrint = async (cardId: string) => {
    if (!deps.cardTemplates) return;
    const version = (await deps.cardTemplates.versionsOf(deps.db, [cardId])).get(cardId);
    if (version) await deps.cardTemplates.recordPrints(deps.db, [{ cardId, templateVersionId: version.versionId, batchId: null }]);
  };
  /** A one-pass print-and-encode station takes the card, then reports the chip: IN_PRINT → ENCODED; then enabled. */
  const enable = async (cardId: string, csn: string) => {
    await move(cardId, 'REQUEST_CHECKED');
    await move(cardId, 'IN_PRINT', DEMO_STATION);
    await recordPrint(cardId);
    await deps.cards.bindCsn(cardId, { csn, form: 'hex' }, DEMO_STATION, DEMO_CONTEXT);
    await move(cardId, 'ENABLED');
  };

  // The university: a request to check, one checked, two cards in use (one Inès's).
  await requestWithPhoto('lea.bernard@univ-demo.fr', 200, U);
  const checked = await requestWithPhoto('hugo.dubois@univ-demo.fr', 30, U);
  await move(checked.id, 'REQUEST_CHECKED');
  await enable((await requestWithPhoto('sophie.lefebvre@univ-demo.fr', 120, U)).id, '04A23B1C5D6E80');
  await enable((await requestWithPhoto('ines.moreau@univ-demo.fr', 280, U)).id, '04A23B1C5D6E81');
  // The school: a request to check and a card in use. Inès has none there yet: she asks for it.
  await requestWithPhoto('nina.faure@ecole-demo.fr', 330, S);
  await enable((await requestWithPhoto('jules.garnier@ecole-demo.fr', 160, S)).id, '04B17C2D3E4F50');

  // 16 random characters (96 bits): far past the password rule's length and guessability floors.
  const password = () => randomBytes(12).toString('base64url');
  // In the order of the story a visitor plays: the student asks, the card office does the rest;
  // then what several institutions add (double enrolment, one office per institution, the federation).
  const accounts: Array<DemoLogin & { displayName: string; institutions: string[] | null; personEppn?: string }> = [
    {
      role: 'cardholder', email: 'camille.martin@univ-demo.fr', password: password(), institutions: null, displayName: 'Camille Martin',
      personEppn: 'camille.martin@univ-demo.fr',
      purpose: { en: 'student: requests a card, shows the virtual card, declares it lost', fr: 'étudiante : demande sa carte, montre la carte virtuelle, la déclare perdue' },
    },
    {
      role: 'manager', email: 'manager@univ-demo.fr', password: password(), institutions: [codeOf(U)], displayName: 'Gestionnaire démo',
      purpose: {
        en: 'card office: the university only; approves, prints, encodes, enables; follows the ESC sync',
        fr: 'bureau des cartes : l’université seulement ; valide, imprime, encode, active ; suit la synchro ESC',
      },
    },
    {
      role: 'cardholder', email: 'ines.moreau@univ-demo.fr', password: password(), institutions: null, displayName: 'Inès Moreau',
      personEppn: 'ines.moreau@univ-demo.fr',
      purpose: {
        en: 'student at both institutions: sees both enrolments and her card, requests one for the school',
        fr: 'étudiante des deux établissements : voit ses deux inscriptions et sa carte, en demande une pour l’école',
      },
    },
    {
      role: 'manager', email: 'manager@ecole-demo.fr', password: password(), institutions: [S], displayName: 'Gestionnaire École démo',
      purpose: { en: 'school card office: sees and handles the school’s cards only', fr: 'bureau des cartes de l’école : ne voit et ne traite que les cartes de l’école' },
    },
    {
      role: 'manager', email: 'manager@federation-demo.fr', password: password(), institutions: [DEMO_INSTITUTIONS.federation],
      displayName: 'Gestionnaire fédération démo',
      purpose: {
        en: 'federation card office: both institutions, one at a time with the switcher',
        fr: 'bureau des cartes de la fédération : les deux établissements, un à la fois avec le sélecteur',
      },
    },
    {
      role: 'admin', email: 'admin@univ-demo.fr', password: password(), institutions: null, displayName: 'Admin démo',
      purpose: { en: 'administrator: everything, plus institutions, settings and accounts', fr: 'administration : tout, plus établissements, réglages et comptes' },
    },
  ];
  for (const account of accounts) {
    await deps.auth.createAccount({
      email: account.email,
      password: account.password,
      role: account.role,
      displayName: account.displayName,
      institutions: account.institutions,
      personId: account.personEppn ? idOf(account.personEppn) : null,
    }, DEMO_CONTEXT);
  }
  deps.logger.info({ people: byEppn.size, institutions: 3 }, 'demo data created');
  return accounts.map(({ role, email, password: secret, purpose }) => ({ role, email, password: secret, purpose }));
}
