/**
 * What the sync needs of a record to know it unchanged without mapping it: its fingerprint and its
 * identity. Pure functions of the record and a {@link RecordDigestSpec}, a plain object a source
 * may carry to another thread (a worker reading the directory) and compute there: the same
 * functions on either side give the same strings, so fingerprints stored by any earlier sync still
 * match. Kept apart from the mapping (no validation code) so that such a worker loads little.
 */
import { createHash, hash } from 'node:crypto';
import type { DigestedPage, DigestedRead, SourcePage, SourceRead, SourceRecord } from './person-source.ts';

/** How to digest the records of one source for one run (structured-clone friendly). */
export interface RecordDigestSpec {
  /** The attributes the mapping reads, sorted: the fingerprint's inputs. */
  attributes: readonly string[];
  /** The mapping's version (`mappingVersion`): a changed mapping changes every fingerprint. */
  version: string;
  /** Whether the record's photo is part of its fingerprint (the source allows photo seeding). */
  photos: boolean;
  /** Attribute holding the eppn (the identity's person part); absent: records have no identity. */
  eppnAttribute?: string;
  /** Attribute naming the institution (a source without a fixed institution); absent: `fixedInstitutionId`. */
  institutionAttribute?: string;
  /** The source's own institution (null when it comes from the attribute). */
  fixedInstitutionId: number | null;
}

/**
 * The fingerprint of a record as the mapping sees it: the values of the attributes the mapping
 * reads (in a fixed order), its photo, and the mapping's version. Equal fingerprints mean the
 * mapped person is equal too, so the sync skips the record without mapping it again (what keeps a
 * no-change resync close to the source's own read time). An attribute the mapping ignores
 * changing at the source changes nothing. The text hashed must never change: stored fingerprints
 * of every source would stop matching and the next sync would map and write every record again.
 */
export function recordFingerprint(record: SourceRecord, attributes: readonly string[], version: string, photo?: Uint8Array): string {
  // One string, one update: this runs for every record of every sync (the names' parts made once).
  const prefixes = prefixesOf(attributes);
  let text = version;
  for (let i = 0; i < attributes.length; i++) {
    text += prefixes[i] as string;
    const values = record.attributes[attributes[i] as string];
    if (values === undefined) continue;
    for (const value of values) text += `${value}\u0002`;
  }
  // Without a photo, the one-shot hash (no Hash object per record: a third of the time of
  // createHash on 100,000 records); the same SHA-256 of the same UTF-8 text.
  if (!photo) return hash('sha256', text, 'base64url');
  return createHash('sha256').update(text).update('\u0000photo\u0000').update(photo).digest('base64url');
}

const PREFIXES = new WeakMap<readonly string[], string[]>();

/** `\0name\1` of each attribute of a fingerprint's list, made once per list. */
function prefixesOf(attributes: readonly string[]): string[] {
  let prefixes = PREFIXES.get(attributes);
  if (prefixes === undefined) {
    prefixes = attributes.map((name) => `\u0000${name}\u0001`);
    PREFIXES.set(attributes, prefixes);
  }
  return prefixes;
}

/** The record's fingerprint under `spec` (its photo counted only when the spec says photos are used). */
export function digestFingerprint(record: SourceRecord, spec: RecordDigestSpec): string {
  return recordFingerprint(record, spec.attributes, spec.version, spec.photos ? record.photo : undefined);
}

/**
 * Who the record is, read from the raw attributes without mapping (institution and eppn as
 * written), to find two records of one person even when one of them is unchanged; undefined
 * without an eppn. A digest (stored beside the raw digest: bounded, and no character PostgreSQL's
 * text refuses, whatever the directory holds).
 */
export function recordIdentity(record: SourceRecord, spec: RecordDigestSpec): string | undefined {
  const eppn = spec.eppnAttribute ? record.attributes[spec.eppnAttribute]?.[0]?.trim().toLowerCase() : undefined;
  if (!eppn) return undefined;
  const institution = spec.institutionAttribute ? (record.attributes[spec.institutionAttribute] ?? []).join('\u0001') : String(spec.fixedInstitutionId);
  return hash('sha256', `${institution}\u0000${eppn}`, 'base64url');
}

/** The key, fingerprint and identity columns of a page of records (a digested page's data). */
export function digestColumns(records: readonly SourceRecord[], spec: RecordDigestSpec): Pick<DigestedPage, 'keys' | 'fingerprints' | 'identities'> {
  const keys: string[] = new Array<string>(records.length);
  const fingerprints: string[] = new Array<string>(records.length);
  const identities: Array<string | null> = new Array<string | null>(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as SourceRecord;
    keys[i] = record.key;
    fingerprints[i] = digestFingerprint(record, spec);
    identities[i] = recordIdentity(record, spec) ?? null;
  }
  return { keys, fingerprints, identities };
}

/** A page of records, digested on this thread (its records handed out as asked). */
export function digestPage(page: SourcePage, spec: RecordDigestSpec): DigestedPage {
  const { records } = page;
  return {
    ...digestColumns(records, spec),
    ...(page.rejected ? { rejected: page.rejected } : {}),
    records: (positions) => Promise.resolve(positions.map((position) => records[position] as SourceRecord)),
  };
}

/** A read of any source as a digested read, digested on this thread (for sources without `digestedRecords`). */
export function digestRecords(read: SourceRead, spec: RecordDigestSpec): DigestedRead {
  return {
    pages: (async function* pages() {
      for await (const page of read.pages) yield digestPage(page, spec);
    })(),
    watermark: () => read.watermark(),
    ...(read.presentAttributes ? { presentAttributes: () => read.presentAttributes?.() ?? null } : {}),
  };
}
