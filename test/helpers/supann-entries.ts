/**
 * Generated SupAnn 2021 directory entries, as a French university's LDAP holds them: students and
 * staff with accented names, eppn, student/employee numbers, INE, affiliations, institution
 * (`{UAI}` code), expiry date, year of registration and groups. Deterministic: entry `i` is always
 * the same person, so tests can say what they expect without reading the directory back.
 */

/** Where and how entries are generated. */
export interface SupannOptions {
  /** Directory suffix (default `dc=univ-test,dc=fr`). */
  suffix?: string;
  /** UAI codes of the institutions entries are spread over, round robin (default one: 0751717J). */
  institutions?: readonly string[];
  /** eppn scope (default `univ-test.fr`). */
  scope?: string;
  /** A jpegPhoto for entry i, or undefined for none (default none). */
  photo?: (index: number) => Buffer | undefined;
  /** The entry's modifyTimestamp (GeneralizedTime) for entry i; default: whenever slapadd loads it. */
  modifyTimestamp?: (index: number) => string;
}

/** One generated person: its DN, its attributes as the directory returns them, its photo. */
export interface SupannEntry {
  uid: string;
  dn: string;
  eppn: string;
  kind: 'student' | 'staff';
  attributes: Record<string, string[]>;
  photo?: Buffer;
  /** Set only when the options gave one (slapadd keeps it instead of stamping the load time). */
  modifyTimestamp?: string;
}

/** The default suffix of generated entries and of the slapd harness. */
export const SUPANN_SUFFIX = 'dc=univ-test,dc=fr';

const GIVEN_NAMES = ['Léa', 'Hugo', 'Chloé', 'Louis', 'Inès', 'Gabriel', 'Zoé', 'Noé', 'Maëlys', 'Raphaël', 'Anaïs', 'Jérôme',
  'Élodie', 'Théo', 'Clémence', 'François', 'Agnès', 'Loïc', 'Hélène', 'Benoît', 'Célia', 'Mathéo', 'Océane', 'Gaël'];
const SURNAMES = ['Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Moreau', 'Girard', 'Fournier', 'Mercier', 'Rousseau', 'Blanc',
  'Guérin', 'Muller', 'Hénault', 'Faure', 'André', 'Chevalier', 'Lemaître', 'Gauthier', 'Bénard', 'Perrin', 'Nguyễn',
  'Le Goff', "N'Diaye", 'Cœur', 'Da Silva', 'Boulanger', 'Étienne', 'Noël', 'Brûlé', 'Garçon'];
const INE_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

/** ASCII lower-case form of a name, for uid and mail (é → e, œ → oe, spaces and quotes dropped). */
export function foldName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').replace(/œ/g, 'oe').replace(/Œ/g, 'Oe')
    .replace(/[^A-Za-z]/g, '').toLowerCase();
}

/**
 * Entry `index` of the generated directory. Four in five are students (affiliations student +
 * member, student number, INE, expiry at the end of the academic year, year of registration);
 * the others staff (employee or faculty, employee number, no expiry). Every twentieth staff member
 * is in the card office group.
 */
export function supannEntry(index: number, options: SupannOptions = {}): SupannEntry {
  const suffix = options.suffix ?? SUPANN_SUFFIX;
  const institutions = options.institutions ?? ['0751717J'];
  const scope = options.scope ?? 'univ-test.fr';
  const given = GIVEN_NAMES[index % GIVEN_NAMES.length] as string;
  const sn = SURNAMES[Math.floor(index / GIVEN_NAMES.length) % SURNAMES.length] as string;
  const uid = `${foldName(given).slice(0, 1)}${foldName(sn)}${index}`;
  const eppn = `${uid}@${scope}`;
  const student = index % 5 !== 4;
  const institution = institutions[index % institutions.length] as string;
  const attributes: Record<string, string[]> = {
    objectClass: ['inetOrgPerson', 'eduPerson', 'supannPerson', 'schacEntryMetadata'],
    uid: [uid],
    cn: [`${given} ${sn}`],
    displayName: [`${given} ${sn}`],
    sn: [sn],
    givenName: [given],
    mail: [`${foldName(given)}.${foldName(sn)}${index}@${scope}`],
    eduPersonPrincipalName: [eppn],
    supannEtablissement: [`{UAI}${institution}`],
  };
  if (student) {
    attributes.eduPersonAffiliation = ['student', 'member'];
    attributes.eduPersonPrimaryAffiliation = ['student'];
    attributes.supannEtuId = [String(21_000_000 + index)];
    attributes.supannCodeINE = [`${String(1_000_000_000 + index).slice(0, 10)}${INE_LETTERS[index % INE_LETTERS.length]}`];
    attributes.supannEtuAnneeInscription = ['2026'];
    attributes.schacExpiryDate = ['20270831000000Z'];
    attributes.isMemberOf = ['univ:etudiants', `univ:etudiants:l${1 + (index % 3)}`];
  } else {
    const faculty = index % 10 === 9;
    attributes.eduPersonAffiliation = [faculty ? 'faculty' : 'employee', 'staff', 'member'];
    attributes.eduPersonPrimaryAffiliation = [faculty ? 'faculty' : 'staff'];
    attributes.supannEmpId = [String(900_000 + index)];
    attributes.isMemberOf = index % 100 === 4 ? ['univ:personnels', 'univ:dsi:cartes-gestionnaires'] : ['univ:personnels'];
  }
  const photo = options.photo?.(index);
  const modifyTimestamp = options.modifyTimestamp?.(index);
  return {
    uid, dn: `uid=${uid},ou=people,${suffix}`, eppn, kind: student ? 'student' : 'staff', attributes,
    ...(photo ? { photo } : {}), ...(modifyTimestamp ? { modifyTimestamp } : {}),
  };
}

/** The LDIF of one entry (values that are not plain ASCII are base64, as LDIF requires). */
export function toLdif(entry: SupannEntry): string {
  const lines = [ldifLine('dn', entry.dn)];
  for (const [name, values] of Object.entries(entry.attributes)) {
    for (const value of values) lines.push(ldifLine(name, value));
  }
  if (entry.photo) lines.push(`jpegPhoto:: ${entry.photo.toString('base64')}`);
  if (entry.modifyTimestamp) lines.push(`modifyTimestamp: ${entry.modifyTimestamp}`);
  return `${lines.join('\n')}\n\n`;
}

function ldifLine(name: string, value: string): string {
  // SAFE-STRING of RFC 2849: ASCII without NUL/CR/LF, not starting with space, ':' or '<'.
  return /^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(value)
    ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

/** GeneralizedTime of `date` plus `seconds` (for spread modifyTimestamps). */
export function generalizedTime(date: Date, seconds = 0): string {
  return `${new Date(date.getTime() + seconds * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** LDIF of entries `from`..`to - 1`, in chunks (for slapadd of 100,000 entries without one huge string). */
export function* supannLdif(from: number, to: number, options: SupannOptions = {}): Generator<string> {
  let chunk = '';
  for (let i = from; i < to; i++) {
    chunk += toLdif(supannEntry(i, options));
    if (chunk.length > 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
