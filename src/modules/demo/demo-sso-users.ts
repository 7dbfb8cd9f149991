import { createHmac, randomBytes } from 'node:crypto';

/**
 * The people the demo identity providers (embedded CAS simulator, embedded OpenID provider) know,
 * with the attributes a French university's IdP would release about them, in SupAnn / eduPerson
 * naming. Each shows one outcome of single sign-on:
 * - Camille Martin and Inès Moreau are demo students campuscard already knows (demo seed): they
 *   land on their own card page;
 * - Paul Girard is staff campuscard does not know, member of the card office's group
 *   (`univ-demo:gestionnaires-cartes`): a group → role mapping makes him a card office manager;
 * - Alex Petit is unknown and has an affiliation no person type lets request a card: refused page.
 */
export interface DemoSsoUser {
  /** Login name at the identity provider (what CAS answers as `user`, OIDC as `sub`). */
  uid: string;
  /** What the demo login page and the start message say about them. */
  purpose: { fr: string; en: string };
  /** Released attributes, canonical names (see src/modules/sso/domain/sso-attributes.ts). */
  attributes: Record<string, string[]>;
}

/** The group the demo maps to the card office manager role. */
export const DEMO_MANAGERS_GROUP = 'univ-demo:gestionnaires-cartes';

const UNIVERSITY_UAI = '{UAI}0751234J';

/** Demo users of every embedded identity provider. */
export const DEMO_SSO_USERS: readonly DemoSsoUser[] = [
  {
    uid: 'cmartin',
    purpose: { fr: 'étudiante connue : arrive sur sa carte', en: 'known student: lands on her card page' },
    attributes: {
      eduPersonPrincipalName: ['camille.martin@univ-demo.fr'],
      mail: ['camille.martin@univ-demo.fr'],
      givenName: ['Camille'],
      sn: ['Martin'],
      displayName: ['Camille Martin'],
      supannEtuId: ['22400101'],
      supannCodeINE: ['123456789AB'],
      eduPersonAffiliation: ['student', 'member'],
      eduPersonPrimaryAffiliation: ['student'],
      schacPersonalUniqueCode: ['urn:schac:personalUniqueCode:int:esi:fr:123456789AB'],
      supannEtablissement: [UNIVERSITY_UAI],
      isMemberOf: ['univ-demo:etudiants'],
    },
  },
  {
    uid: 'imoreau',
    purpose: { fr: 'étudiante inscrite dans les deux établissements', en: 'student enrolled at both institutions' },
    attributes: {
      eduPersonPrincipalName: ['ines.moreau@univ-demo.fr'],
      mail: ['ines.moreau@univ-demo.fr'],
      givenName: ['Inès'],
      sn: ['Moreau'],
      displayName: ['Inès Moreau'],
      supannEtuId: ['22400104'],
      supannCodeINE: ['456789123DE'],
      eduPersonAffiliation: ['student', 'member'],
      eduPersonPrimaryAffiliation: ['student'],
      schacPersonalUniqueCode: ['urn:schac:personalUniqueCode:int:esi:fr:456789123DE'],
      supannEtablissement: [UNIVERSITY_UAI],
      isMemberOf: ['univ-demo:etudiants'],
    },
  },
  {
    uid: 'pgirard',
    purpose: {
      // The group's name is left to the English line: its colon is not punctuation.
      fr: `personnel inconnu de campuscard, du groupe des gestionnaires de cartes\u00a0: gestionnaire dès qu’un admin associe ce groupe au rôle (refusé avant)`,
      en: `staff unknown to campuscard, member of ${DEMO_MANAGERS_GROUP}: card office manager once an admin maps this group to the role (refused before)`,
    },
    attributes: {
      eduPersonPrincipalName: ['paul.girard@univ-demo.fr'],
      mail: ['paul.girard@univ-demo.fr'],
      givenName: ['Paul'],
      sn: ['Girard'],
      displayName: ['Paul Girard'],
      supannEmpId: ['E1042'],
      eduPersonAffiliation: ['staff', 'employee', 'member'],
      eduPersonPrimaryAffiliation: ['staff'],
      supannEtablissement: [UNIVERSITY_UAI],
      isMemberOf: ['univ-demo:personnels', DEMO_MANAGERS_GROUP],
    },
  },
  {
    uid: 'apetit',
    purpose: { fr: 'personne inconnue, sans droit à une carte : page de refus', en: 'unknown person, not entitled to a card: refused page' },
    attributes: {
      eduPersonPrincipalName: ['alex.petit@univ-demo.fr'],
      mail: ['alex.petit@univ-demo.fr'],
      givenName: ['Alex'],
      sn: ['Petit'],
      displayName: ['Alex Petit'],
      eduPersonAffiliation: ['affiliate'],
      eduPersonPrimaryAffiliation: ['affiliate'],
      supannEtablissement: [UNIVERSITY_UAI],
    },
  },
];

// One secret per process: the passwords change at each start, are the same for every embedded
// identity provider of the process, and are never guessable from the source code (a demo left
// reachable on a network must not let anybody in as the group-made manager).
const PROCESS_SECRET = randomBytes(32);

/** The password of a demo user for this process (printed by `serve` at each start in demo mode). */
export function demoSsoPassword(uid: string): string {
  // Letters and digits only: easy to copy from a terminal, never starting with a dash.
  return createHmac('sha256', PROCESS_SECRET).update(`demo-sso:${uid}`).digest('base64url').replace(/[-_]/g, '').slice(0, 12);
}

/** The demo user of that login name, if any. */
export function demoSsoUser(uid: string): DemoSsoUser | undefined {
  return DEMO_SSO_USERS.find((user) => user.uid === uid);
}
