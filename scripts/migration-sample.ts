/**
 * Generated exports of another card office system, with no real person: the samples shipped in
 * samples/migration/ (demo, README) and the large exports of the migration tests.
 *
 *   node --import tsx scripts/migration-sample.ts [--out samples/migration]
 * writes:
 * - generic-sample.zip: the generic format (cards.csv + photos/), 40 cards in every state;
 * - esup-sgc-export.zip: an ESUP-SGC export.zip (cards.csv + photos/<id>.jpg), 24 cards;
 * - esup-sgc-persons.csv: the persons of that export, for `campuscard persons import` first
 *   (ESUP-SGC's export names no person but by eppn).
 * Every name is drawn from short lists of common French names; every eppn is @univ.example.fr.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import sharp from 'sharp';
import { CARD_STATES, type CardState } from '../src/modules/cards/domain/card-state.ts';
import { formatEscn } from '../src/modules/esc/domain/escn.ts';
import { ESUP_SGC_HEADER, GENERIC_COLUMNS } from '../src/modules/card-migration/domain/migration-file.ts';

const FIRST_NAMES = ['Camille', 'Léa', 'Hugo', 'Chloé', 'Lucas', 'Inès', 'Nathan', 'Manon', 'Théo', 'Zoé', 'Jules', 'Anaïs'];
const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Lefèvre-Roux', 'Fontaine'];
const ONCE_ENABLED: readonly CardState[] = ['ENABLED', 'DISABLED', 'CADUC', 'DESTROYED'];
const PRODUCED: readonly CardState[] = ['PRINTED', 'IN_ENCODE', 'ENCODED', 'ENABLED', 'DISABLED', 'CADUC', 'DESTROYED'];

export interface SampleOptions {
  count: number;
  /** PIC of the institution the ESCNs are issued under (9 digits). */
  pic: string;
  /** How many cards (the first ones) get a photo in the ZIP. */
  photos?: number;
  /** Person type of even lines (odd lines: `staff`). Default `student`. */
  personType?: string;
  /** Source card ids start here (default 1). */
  firstId?: number;
}

/** One generated card with its person, in neutral terms. */
export interface SampleCard {
  id: string;
  eppn: string;
  lastName: string;
  firstName: string;
  personType: string;
  studentNumber: string;
  state: CardState;
  requestedAt: Date;
  enabledAt: Date | null;
  deliveredAt: Date | null;
  stateChangedAt: Date;
  expiresAt: string;
  disableReason: string | null;
  csn: string;
  escn: string;
  accessControlId: string;
  secondaryId: string;
  crousConsent: boolean;
  photoPublication: boolean;
}

/** The cards of a sample: every state in turn, one person per card, distinct CSNs, ESCNs and ids. */
export function sampleCards(options: SampleOptions): SampleCard[] {
  const first = options.firstId ?? 1;
  const base = Date.UTC(2024, 8, 2, 8, 0, 0);
  return Array.from({ length: options.count }, (_, index) => {
    const n = first + index;
    const state = CARD_STATES[index % CARD_STATES.length] as CardState;
    const requestedAt = new Date(base + n * 60_000);
    const enabledAt = ONCE_ENABLED.includes(state) ? new Date(requestedAt.getTime() + 3 * 86_400_000) : null;
    return {
      id: String(n),
      eppn: `etu${String(n).padStart(6, '0')}@univ.example.fr`,
      lastName: LAST_NAMES[n % LAST_NAMES.length] as string,
      firstName: FIRST_NAMES[(n * 7) % FIRST_NAMES.length] as string,
      personType: n % 2 === 0 ? options.personType ?? 'student' : 'staff',
      studentNumber: `2024${String(n).padStart(6, '0')}`,
      state,
      requestedAt,
      enabledAt,
      deliveredAt: PRODUCED.includes(state) ? new Date(requestedAt.getTime() + 2 * 86_400_000) : null,
      stateChangedAt: new Date(requestedAt.getTime() + 5 * 86_400_000),
      expiresAt: '2027-08-31',
      disableReason: state === 'DISABLED' ? 'LOST' : null,
      csn: `04${n.toString(16).toUpperCase().padStart(12, '0')}`,
      escn: formatEscn({ unixMillis: requestedAt.getTime(), counter: n % 10_000, clockSeqRandom: n % 0x3fff, prefix: 123, pic: options.pic }),
      accessControlId: String(100_000_000 + n),
      secondaryId: `29${String(n).padStart(8, '0')}`,
      crousConsent: n % 3 !== 0,
      photoPublication: n % 4 === 0,
    };
  });
}

/** A small, valid card photo (a tinted rectangle, different per card). */
export async function samplePhoto(n: number): Promise<Uint8Array> {
  return sharp({ create: { width: 240, height: 320, channels: 3, background: { r: 80 + (n % 100), g: 120, b: 160 } } }).jpeg({ quality: 70 }).toBuffer();
}

function cell(value: string): string {
  return /[";,\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The generic format's CSV of these cards (`;` separated, every column). */
export function genericCsv(cards: readonly SampleCard[], photoCount: number): string {
  const lines = [GENERIC_COLUMNS.join(';')];
  cards.forEach((card, index) => {
    const values: Record<string, string> = {
      card_id: card.id, eppn: card.eppn, institution: '', last_name: card.lastName, first_name: card.firstName, person_type: card.personType,
      email: card.eppn, student_number: card.studentNumber, birth_date: '2004-05-17', state: card.state, card_kind: 'physical',
      requested_at: card.requestedAt.toISOString(), enabled_at: card.enabledAt?.toISOString() ?? '', delivered_at: card.deliveredAt?.toISOString() ?? '',
      state_changed_at: card.stateChangedAt.toISOString(), expires_at: card.expiresAt, disable_reason: card.disableReason ?? '',
      csn: card.csn, csn_form: 'hex', escn: card.escn, access_control_id: card.accessControlId, secondary_id: card.secondaryId,
      esc_consent: 'yes', esc_consent_at: card.requestedAt.toISOString(), crous_consent: card.crousConsent ? 'yes' : 'no',
      crous_consent_at: card.requestedAt.toISOString(), photo_publication_consent: card.photoPublication ? 'yes' : 'no',
      photo_publication_consent_at: card.requestedAt.toISOString(), photo: index < photoCount ? `${card.id}.jpg` : '',
    };
    lines.push(GENERIC_COLUMNS.map((column) => cell(values[column] ?? '')).join(';'));
  });
  return `${lines.join('\r\n')}\r\n`;
}

/** `dd/MM/yyyy HH:mm:ss` in Paris time, as ESUP-SGC writes its dates. */
function esupDate(date: Date): string {
  const parts = new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(date);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('day')}/${get('month')}/${get('year')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/** ESUP-SGC's `cards.csv` of these cards (no quoting, `;`, its header). */
export function esupCsv(cards: readonly SampleCard[]): string {
  const lines = [ESUP_SGC_HEADER.join(';')];
  for (const card of cards) {
    lines.push([
      esupDate(card.requestedAt), esupDate(card.stateChangedAt), card.csn, card.crousConsent ? 'Autorisée' : 'Interdite', card.accessControlId,
      card.eppn, card.photoPublication ? 'Oui' : 'Non', card.id, card.state, `access-control=${card.accessControlId}|bu=${card.secondaryId}`,
      `http://esc.gg/${card.escn}`,
    ].join(';'));
  }
  return `${lines.join('\n')}\n`;
}

/** The person import CSV (campuscard's) of the persons of these cards. */
export function personsCsv(cards: readonly SampleCard[]): string {
  const lines = ['eppn;last_name;first_name;person_type;email;student_number'];
  for (const card of cards) lines.push([card.eppn, card.lastName, card.firstName, card.personType, card.eppn, card.studentNumber].join(';'));
  return `${lines.join('\r\n')}\r\n`;
}

/** A ZIP of `cards.csv` and the photos of the first `photoCount` cards (as `photos/<id>.jpg`). */
export async function sampleZip(csv: string, cards: readonly SampleCard[], photoCount: number): Promise<Uint8Array> {
  // A fixed date, so that the same sample is the same bytes.
  const mtime = new Date(Date.UTC(2026, 0, 1));
  const files: Record<string, [Uint8Array, { mtime: Date }]> = { 'cards.csv': [new TextEncoder().encode(csv), { mtime }] };
  for (const card of cards.slice(0, photoCount)) files[`photos/${card.id}.jpg`] = [await samplePhoto(Number(card.id)), { mtime }];
  // Photos are JPEG already: stored, not deflated again.
  return zipSync(files, { level: 0 });
}

const DEMO_PIC = '999000001';

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex > 0 ? process.argv[outIndex + 1] as string : 'samples/migration';
  await mkdir(out, { recursive: true });
  // The PIC of the demo's first institution (Université de Démonstration), so the demo migrates them.
  const generic = sampleCards({ count: 40, pic: DEMO_PIC, firstId: 1 });
  await writeFile(join(out, 'generic-sample.zip'), await sampleZip(genericCsv(generic, 10), generic, 10));
  const esup = sampleCards({ count: 24, pic: DEMO_PIC, firstId: 1001 });
  await writeFile(join(out, 'esup-sgc-export.zip'), await sampleZip(esupCsv(esup), esup, 8));
  await writeFile(join(out, 'esup-sgc-persons.csv'), personsCsv(esup));
  process.stdout.write(`wrote ${out}/generic-sample.zip, esup-sgc-export.zip, esup-sgc-persons.csv\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
