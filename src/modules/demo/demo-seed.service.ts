import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext } from '../../platform/db/database.ts';
import type { Principal, Role } from '../auth/domain/roles.ts';
import type { AuthService } from '../auth/auth.service.ts';
import type { InstitutionService } from '../institution/institution.service.ts';
import type { PeopleService } from '../people/people.service.ts';
import type { PhotosService } from '../photos/photos.service.ts';
import type { CardsService } from '../cards/cards.service.ts';

export interface DemoLogin {
  role: Role;
  email: string;
  password: string;
  /** What a visitor does with this account, in a few words (printed next to the login). */
  purpose: { en: string; fr: string };
}

const DEMO_CONTEXT: ActorContext = { actor: 'demo-seed' };
const DEMO_PRINCIPAL: Principal = {
  kind: 'token', id: 'demo-seed', actor: 'demo-seed', displayName: 'Demo seed', role: 'admin', personTypes: null, personId: null,
};
const DEMO_STATION: Principal = { ...DEMO_PRINCIPAL, id: 'demo-station', actor: 'demo-station', displayName: 'Demo print station', role: 'station' };

const DEMO_PEOPLE = [
  { eppn: 'camille.martin@univ-demo.fr', firstName: 'Camille', lastName: 'Martin', personType: 'student', studentNumber: '22400101', ine: '123456789AB', academicLevel: 6, birthDate: '2004-03-14' },
  { eppn: 'lea.bernard@univ-demo.fr', firstName: 'Léa', lastName: 'Bernard', personType: 'student', studentNumber: '22400102', ine: '234567891BC', academicLevel: 7, birthDate: '2001-11-02' },
  { eppn: 'hugo.dubois@univ-demo.fr', firstName: 'Hugo', lastName: 'Dubois', personType: 'student', studentNumber: '22400103', ine: '345678912CD', academicLevel: 6, birthDate: '2005-06-21' },
  { eppn: 'ines.moreau@univ-demo.fr', firstName: 'Inès', lastName: 'Moreau', personType: 'student', studentNumber: '22400104', ine: '456789123DE', academicLevel: 8, birthDate: '1998-01-30' },
  { eppn: 'lucas.laurent@univ-demo.fr', firstName: 'Lucas', lastName: 'Laurent', personType: 'student', studentNumber: '22400105', ine: '567891234EF', academicLevel: 6, birthDate: '2003-09-09' },
  { eppn: 'sophie.lefebvre@univ-demo.fr', firstName: 'Sophie', lastName: 'Lefebvre', personType: 'staff', birthDate: '1985-04-12' },
  { eppn: 'thomas.roux@univ-demo.fr', firstName: 'Thomas', lastName: 'Roux', personType: 'staff', birthDate: '1979-12-01' },
  { eppn: 'maria.rossi@unipv.example', firstName: 'Maria', lastName: 'Rossi', personType: 'guest', birthDate: '2002-07-07' },
] as const;

function rightsEnd(now: Date): string {
  return `${now.getUTCFullYear() + 1}-08-31`;
}

/** A neutral placeholder portrait (initials on a coloured background), made without any file. */
async function placeholderPhoto(initials: string, hue: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="600"><rect width="100%" height="100%" fill="hsl(${hue},45%,78%)"/>
    <circle cx="240" cy="230" r="120" fill="hsl(${hue},35%,55%)"/><rect x="90" y="380" width="300" height="260" rx="150" fill="hsl(${hue},35%,55%)"/>
    <text x="240" y="255" font-family="sans-serif" font-size="90" text-anchor="middle" fill="white">${initials}</text></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

/**
 * First-start demo data: an institution, a few people with cards in several states, and one
 * admin, one manager and one student account with fresh random passwords. Runs once per database
 * (claimed atomically on the institution row, so several nodes starting together seed once).
 * Returns the logins to print, or undefined when the database was seeded before.
 */
export async function seedDemo(deps: {
  db: Kysely<Database>;
  logger: Logger;
  auth: AuthService;
  institution: InstitutionService;
  people: PeopleService;
  photos: PhotosService;
  cards: CardsService;
  now?: () => Date;
}): Promise<DemoLogin[] | undefined> {
  const now = deps.now ?? (() => new Date());
  if (!(await deps.institution.find())) {
    await deps.institution.save({
      name: 'Université de Démonstration',
      pic: '999000001',
      uai: '0751234J',
      schacHomeOrganization: 'univ-demo.fr',
      country: 'FR',
      esiScope: 'national',
      colors: { primary: '#1d4ed8', secondary: '#0f172a' },
    }, DEMO_CONTEXT);
  }
  const claimed = await inTransaction(deps.db, DEMO_CONTEXT, (trx) => deps.institution.claimDemoSeed(trx, now()));
  if (!claimed) return undefined;

  const persons = [];
  for (const person of DEMO_PEOPLE) {
    persons.push(await deps.people.create({ ...person, email: person.eppn, rightsEnd: rightsEnd(now()) }, DEMO_CONTEXT));
  }
  const byEppn = new Map(persons.map((person) => [person.eppn, person]));
  const idOf = (eppn: string) => (byEppn.get(eppn) as { id: string }).id;

  const requestWithPhoto = async (eppn: string, hue: number) => {
    const person = byEppn.get(eppn) as { id: string; firstName: string; lastName: string };
    const prepared = await deps.photos.prepare(await placeholderPhoto(`${person.firstName[0]}${person.lastName[0]}`, hue));
    return deps.cards.request(person.id, { channel: 'office', cardKind: 'physical', photo: { prepared } }, DEMO_PRINCIPAL, DEMO_CONTEXT);
  };
  const move = (cardId: string, to: string, principal = DEMO_PRINCIPAL) => deps.cards.move(cardId, { to }, principal, DEMO_CONTEXT);

  await requestWithPhoto('lea.bernard@univ-demo.fr', 200);
  const checked = await requestWithPhoto('hugo.dubois@univ-demo.fr', 30);
  await move(checked.id, 'REQUEST_CHECKED');
  const enabled = await requestWithPhoto('sophie.lefebvre@univ-demo.fr', 120);
  await move(enabled.id, 'REQUEST_CHECKED');
  // A one-pass print-and-encode station takes the card, then reports the chip: IN_PRINT → ENCODED.
  await move(enabled.id, 'IN_PRINT', DEMO_STATION);
  await deps.cards.bindCsn(enabled.id, { csn: '04A23B1C5D6E80', form: 'hex' }, DEMO_STATION, DEMO_CONTEXT);
  await move(enabled.id, 'ENABLED');

  // 16 random characters (96 bits): far past the password rule's length and guessability floors.
  const password = () => randomBytes(12).toString('base64url');
  // In the order of the story a visitor plays: the student asks, the card office does the rest.
  const logins: DemoLogin[] = [
    {
      role: 'cardholder', email: 'camille.martin@univ-demo.fr', password: password(),
      purpose: { en: 'student: requests a card, shows the virtual card, declares it lost', fr: 'étudiante : demande sa carte, montre la carte virtuelle, la déclare perdue' },
    },
    {
      role: 'manager', email: 'manager@univ-demo.fr', password: password(),
      purpose: { en: 'card office: approves, prints, encodes, enables; follows the ESC sync', fr: 'bureau des cartes : valide, imprime, encode, active ; suit la synchro ESC' },
    },
    {
      role: 'admin', email: 'admin@univ-demo.fr', password: password(),
      purpose: { en: 'administrator: the same, plus settings and accounts', fr: 'administration : la même chose, plus réglages et comptes' },
    },
  ];
  const names: Record<string, string> = { admin: 'Admin démo', manager: 'Gestionnaire démo', cardholder: 'Camille Martin' };
  for (const login of logins) {
    await deps.auth.createAccount({
      email: login.email,
      password: login.password,
      role: login.role,
      displayName: names[login.role] as string,
      personId: login.role === 'cardholder' ? idOf('camille.martin@univ-demo.fr') : null,
    }, DEMO_CONTEXT);
  }
  deps.logger.info({ people: persons.length }, 'demo data created');
  return logins;
}
