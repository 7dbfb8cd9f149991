import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hash } from 'node:crypto';
import fc from 'fast-check';
import { Change, Attribute, Client, SizeLimitExceededError } from 'ldapts';
import { startSlapd, type SlapdServer } from '../../../test/helpers/slapd-server.ts';
import { generalizedTime, supannEntry, supannLdif } from '../../../test/helpers/supann-entries.ts';
import { SourceSettingsError, type DigestedPage, type PersonSourceContext, type SourceRecord } from '../../modules/directory/domain/person-source.ts';
import { digestRecords, type RecordDigestSpec } from '../../modules/directory/domain/record-digest.ts';
import { createLdapSource, LdapSourceError, toGeneralizedTime } from './ldap.source.ts';

// Against Debian's slapd (never a mock of the protocol): 1,200 SupAnn entries, a server size limit
// of 500 for unpaged searches, LDAPS and StartTLS with a self-signed certificate.
const COUNT = 1_200;
const LOADED_AT = new Date('2026-09-01T08:00:00Z');
const PHOTO = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);
const MAPPED = ['eduPersonPrincipalName', 'sn', 'givenName', 'mail', 'supannEtuId', 'supannEmpId', 'supannCodeINE',
  'eduPersonAffiliation', 'eduPersonPrimaryAffiliation', 'supannEtablissement', 'schacExpiryDate', 'supannEtuAnneeInscription', 'isMemberOf'];

let slapd: SlapdServer;

function context(settings: Record<string, unknown>, more: Partial<PersonSourceContext> = {}): PersonSourceContext {
  return {
    settings: { url: slapd.url, bindDn: slapd.readerDn, secretEnv: 'LDAP_READER', baseDn: slapd.peopleBase, ...settings },
    attributes: MAPPED,
    wantPhotos: false,
    secret: (name) => {
      if (name === 'LDAP_READER') return slapd.readerPassword;
      if (name === 'WRONG') return 'not-the-password';
      throw new SourceSettingsError('secretEnv', 'unknown_secret', `no secret ${name}`);
    },
    ...more,
  };
}

async function readAll(settings: Record<string, unknown>, since?: string, more: Partial<PersonSourceContext> = {}) {
  const read = await createLdapSource(context(settings, more)).records(since ? { since } : {});
  const pages: SourceRecord[][] = [];
  for await (const page of read.pages) pages.push(page.records);
  return { pages, records: pages.flat(), watermark: read.watermark() };
}

before(async () => {
  slapd = await startSlapd({
    tls: true,
    // Spread timestamps, as in a directory that lives: entry i last changed i seconds after the load.
    entries: supannLdif(0, COUNT, { modifyTimestamp: (i) => generalizedTime(LOADED_AT, i), photo: (i) => (i % 7 === 0 ? PHOTO : undefined) }),
  });
});

after(async () => {
  await slapd?.stop();
});

describe('LDAP source against slapd', () => {
  test('a paged search reads every entry, page by page, past the server size limit', async () => {
    // The same search unpaged stops at the server's limit: paging is what gets past it.
    const raw = new Client({ url: slapd.url });
    await raw.bind(slapd.readerDn, slapd.readerPassword);
    await assert.rejects(raw.search(slapd.peopleBase, { filter: '(eduPersonPrincipalName=*)' }), SizeLimitExceededError);
    await raw.unbind();

    const { pages, records, watermark } = await readAll({ pageSize: 200 });
    assert.equal(records.length, COUNT);
    assert.deepEqual(pages.map((page) => page.length), [200, 200, 200, 200, 200, 200]);
    assert.equal(new Set(records.map((record) => record.key)).size, COUNT, 'keys (entryUUID) are unique');
    assert.match(records[0]?.key ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    assert.equal(watermark, generalizedTime(LOADED_AT, COUNT - 1), 'the watermark is the newest modifyTimestamp');
  });

  test('attributes come as string arrays under the mapping\'s names, accents intact; photos only when wanted', async () => {
    const student = supannEntry(0);
    const staff = supannEntry(244);
    const { records } = await readAll({ filter: `(|(uid=${student.uid})(uid=${staff.uid}))`, keyAttribute: 'dn' });
    assert.equal(records.length, 2);
    const byEppn = new Map(records.map((record) => [record.attributes.eduPersonPrincipalName?.[0], record]));
    assert.equal(staff.kind, 'staff');
    const studentRecord = byEppn.get(student.eppn);
    assert.ok(studentRecord);
    assert.equal(studentRecord.key, student.dn);
    for (const name of MAPPED) assert.deepEqual(studentRecord.attributes[name], student.attributes[name], name);
    assert.deepEqual(studentRecord.attributes.givenName, ['Léa']);
    assert.equal(studentRecord.attributes.uid, undefined, 'unmapped attributes are not read');
    assert.equal(studentRecord.photo, undefined, 'no photo unless the source allows photos');
    assert.equal(studentRecord.modifiedAt, generalizedTime(LOADED_AT, 0));
    const staffRecord = byEppn.get(staff.eppn);
    assert.deepEqual(staffRecord?.attributes.sn, ['Guérin']);
    assert.deepEqual(staffRecord?.attributes.supannEmpId, ['900244']);
    assert.equal(staffRecord?.attributes.supannEtuId, undefined);

    const withPhotos = await readAll({ filter: '(uid=lmartin0)' }, undefined, { wantPhotos: true });
    assert.deepEqual(Buffer.from(withPhotos.records[0]?.photo ?? []), PHOTO);
  });

  test('an incremental read returns only the entries modified since the watermark', async () => {
    const full = await readAll({});
    assert.ok(full.watermark);
    const admin = await slapd.admin();
    const changed = [3, 400, 1_000].map((i) => supannEntry(i));
    for (const entry of changed) {
      await admin.modify(entry.dn, new Change({ operation: 'replace', modification: new Attribute({ type: 'mail', values: [`nouveau.${entry.uid}@univ-test.fr`] }) }));
    }
    await admin.unbind();

    const incremental = await readAll({}, full.watermark);
    // >= watermark: the newest entry of the previous read comes again (same second), plus the changed ones.
    const eppns = incremental.records.map((record) => record.attributes.eduPersonPrincipalName?.[0]).sort();
    assert.deepEqual(eppns, [...changed.map((entry) => entry.eppn), supannEntry(COUNT - 1).eppn].sort());
    assert.deepEqual(incremental.records.find((r) => r.attributes.eduPersonPrincipalName?.[0] === changed[0]?.eppn)?.attributes.mail,
      [`nouveau.${changed[0]?.uid}@univ-test.fr`]);
    assert.ok((incremental.watermark ?? '') > (full.watermark ?? ''), 'the watermark moves to the modification time');

    const nothingNew = await readAll({}, incremental.watermark ?? undefined);
    assert.ok(nothingNew.records.length <= changed.length, 'only entries stamped at the watermark second come back');
    assert.equal(nothingNew.watermark, incremental.watermark);
  });

  test('a limit stops the read early (the preview asks for 10)', async () => {
    const read = await createLdapSource(context({ pageSize: 500 })).records({ limit: 10 });
    const records: SourceRecord[] = [];
    for await (const page of read.pages) records.push(...page.records);
    assert.equal(records.length, 10);
  });

  test('LDAPS and StartTLS with the directory\'s CA certificate', async () => {
    const ldaps = await readAll({ url: slapd.ldapsUrl, caCertFile: slapd.caCertFile, filter: '(uid=lmartin0)' });
    assert.deepEqual(ldaps.records.map((record) => record.attributes.eduPersonPrincipalName?.[0]), [supannEntry(0).eppn]);
    const startTls = await readAll({ startTls: true, caCertFile: slapd.caCertFile, filter: '(uid=lmartin0)' });
    assert.equal(startTls.records.length, 1);
    assert.deepEqual(await createLdapSource(context({ startTls: true, caCertFile: slapd.caCertFile })).test(), {
      ok: true, message: `Connected to ${slapd.url} as ${slapd.readerDn}; the filter matches entries under ${slapd.peopleBase}.`,
    });
    // Without the CA, the self-signed certificate is refused: never silently trusted.
    const untrusted = await createLdapSource(context({ url: slapd.ldapsUrl })).test();
    assert.equal(untrusted.ok, false);
    assert.equal(!untrusted.ok && untrusted.code, 'ldap_tls_failed');
  });

  test('a wrong password is a clear error that never shows the password', async () => {
    const source = createLdapSource(context({ secretEnv: 'WRONG' }));
    await assert.rejects(source.records({}), (error: unknown) => {
      assert.ok(error instanceof LdapSourceError);
      assert.equal(error.code, 'ldap_invalid_credentials');
      // A problem the API answers as is: 409 naming the setting to fix, never a 5xx.
      assert.equal(error.status, 409);
      assert.equal(error.field, '/settings/secretEnv');
      assert.match(error.message, /refused the bind DN cn=campuscard/);
      assert.doesNotMatch(error.message, /not-the-password/);
      return true;
    });
    const tested = await source.test();
    assert.equal(tested.ok, false);
    assert.equal(!tested.ok && tested.code, 'ldap_invalid_credentials');
  });

  test('an unreachable server, a missing base and a filter matching nothing are told apart', async () => {
    const down = await createLdapSource(context({ url: 'ldap://127.0.0.1:1', timeoutMs: 2_000 })).test();
    assert.equal(!down.ok && down.code, 'ldap_unreachable');
    await assert.rejects(readAll({ baseDn: `ou=nowhere,${slapd.suffix}` }), (error: unknown) =>
      error instanceof LdapSourceError && error.code === 'ldap_base_not_found');
    const none = await createLdapSource(context({ filter: '(uid=nobody-here)' })).test();
    assert.equal(!none.ok && none.code, 'ldap_no_entries');
  });

  describe('a sync\'s read in a worker thread', () => {
    const DIGEST: RecordDigestSpec = {
      attributes: [...MAPPED].sort(), version: 'test-version', photos: true, fixedInstitutionId: null,
      eppnAttribute: 'eduPersonPrincipalName', institutionAttribute: 'supannEtablissement',
    };

    /** Every page's columns, and the records asked for (every third entry, photos included). */
    async function collect(pages: AsyncIterable<DigestedPage>) {
      const columns: Array<{ keys: string[]; fingerprints: string[]; identities: Array<string | null> }> = [];
      const asked: SourceRecord[] = [];
      for await (const page of pages) {
        columns.push({ keys: page.keys, fingerprints: page.fingerprints, identities: page.identities });
        asked.push(...await page.records(page.keys.map((_, i) => i).filter((i) => i % 3 === 0)));
      }
      return { columns, asked };
    }

    test('gives the same pages, fingerprints, identities and records as a read on this thread (so stored fingerprints still match)', async () => {
      const settings = { pageSize: 200, filter: '(uid=lmartin*)' };
      const more = { wantPhotos: true };
      const inWorker = await createLdapSource(context(settings, more)).digestedRecords?.({}, DIGEST);
      assert.ok(inWorker, 'the LDAP source reads syncs in a worker');
      const here = digestRecords(await createLdapSource(context(settings, more)).records({}), DIGEST);
      const [fromWorker, fromHere] = [await collect(inWorker.pages), await collect(here.pages)];
      assert.ok(fromHere.asked.some((record) => record.photo !== undefined), 'photos are part of the comparison');
      assert.deepEqual(fromWorker, fromHere);
      assert.equal(inWorker.watermark(), here.watermark());
      const first = fromHere.asked[0];
      assert.equal(fromWorker.columns[0]?.identities[0],
        hash('sha256', `${first?.attributes.supannEtablissement?.join('\u0001')}\u0000${first?.attributes.eduPersonPrincipalName?.[0]?.toLowerCase()}`, 'base64url'));
    });

    test('entries sent as the last sync stored them are not decoded: their columns come from what was stored, their records still on demand', async () => {
      const settings = { pageSize: 200 };
      const more = { wantPhotos: true };
      const first = await createLdapSource(context(settings, more)).digestedRecords?.({}, DIGEST);
      assert.ok(first);
      const stored = new Map<string, { key: string; fingerprint: string; identity: string | null }>();
      const firstColumns: Array<{ key: string; fingerprint: string; raw: string }> = [];
      for await (const page of first.pages) {
        assert.equal(page.rawDigests?.length, page.keys.length, 'every entry has a raw digest');
        page.keys.forEach((key, i) => firstColumns.push({ key, fingerprint: page.fingerprints[i] as string, raw: page.rawDigests?.[i] as string }));
      }
      assert.equal(firstColumns.length, COUNT);
      assert.equal(new Set(firstColumns.map((column) => column.raw)).size, firstColumns.length, 'one raw digest per entry');
      // Stored values planted for every entry but the first: the worker cannot have computed them, so
      // seeing them back proves those entries were taken as known, not decoded and digested again.
      for (const [i, column] of firstColumns.entries()) {
        if (i > 0) stored.set(column.raw, { key: column.key, fingerprint: `planted-${i}`, identity: `identity-${i}` });
      }
      const second = await createLdapSource(context(settings, more)).digestedRecords?.({}, DIGEST, Promise.resolve(stored));
      assert.ok(second);
      const again: Array<{ key: string; fingerprint: string; identity: string | null }> = [];
      const decoded: SourceRecord[] = [];
      for await (const page of second.pages) {
        page.keys.forEach((key, i) => again.push({ key, fingerprint: page.fingerprints[i] as string, identity: page.identities[i] ?? null }));
        decoded.push(...await page.records([0, page.keys.length - 1]));
      }
      assert.deepEqual(again.map((column) => column.key), firstColumns.map((column) => column.key));
      assert.equal(again[0]?.fingerprint, firstColumns[0]?.fingerprint, 'the entry not known is digested');
      assert.ok(again.slice(1).every((column, i) => column.fingerprint === `planted-${i + 1}` && column.identity === `identity-${i + 1}`));
      // A known entry's record is still there when asked for (decoded then), and is the real one.
      const here = await createLdapSource(context(settings, more)).records({});
      const records: SourceRecord[] = [];
      for await (const page of here.pages) records.push(page.records[0] as SourceRecord, page.records.at(-1) as SourceRecord);
      assert.deepEqual(decoded, records);

      // Another mapping version: the stored digests stand for other settings and are ignored.
      const other = await createLdapSource(context(settings, more)).digestedRecords?.({}, { ...DIGEST, version: 'other' }, Promise.resolve(stored));
      assert.ok(other);
      for await (const page of other.pages) {
        assert.ok(page.fingerprints.every((fingerprint) => !fingerprint.startsWith('planted-')));
        assert.ok(page.rawDigests?.every((raw) => !stored.has(raw)));
      }
    });

    test('LDAP failures come out of the worker as the same errors; TLS settings cross to it', async () => {
      const digested = (settings: Record<string, unknown>, more: Partial<PersonSourceContext> = {}) =>
        createLdapSource(context(settings, more)).digestedRecords?.({}, DIGEST) ?? Promise.reject(new Error('no worker read'));
      await assert.rejects(digested({ secretEnv: 'WRONG' }), (error: unknown) => {
        assert.ok(error instanceof LdapSourceError);
        assert.equal(error.code, 'ldap_invalid_credentials');
        assert.equal(error.status, 409);
        assert.equal(error.field, '/settings/secretEnv');
        assert.doesNotMatch(error.message, /not-the-password/);
        return true;
      });
      await assert.rejects(async () => collect((await digested({ baseDn: `ou=nowhere,${slapd.suffix}` })).pages),
        (error: unknown) => error instanceof LdapSourceError && error.code === 'ldap_base_not_found' && error.field === '/settings/baseDn');
      await assert.rejects(digested({ url: slapd.ldapsUrl }), (error: unknown) => error instanceof LdapSourceError && error.code === 'ldap_tls_failed');
      const ldaps = await collect((await digested({ url: slapd.ldapsUrl, caCertFile: slapd.caCertFile, filter: '(uid=lmartin0)' })).pages);
      assert.deepEqual(ldaps.asked.map((record) => record.attributes.eduPersonPrincipalName?.[0]), [supannEntry(0).eppn]);
    });

    test('stopping early or aborting ends the read at once', async () => {
      const read = await createLdapSource(context({ pageSize: 100 })).digestedRecords?.({}, DIGEST);
      assert.ok(read);
      let pages = 0;
      for await (const page of read.pages) {
        pages += 1;
        assert.equal(page.keys.length, 100);
        break;
      }
      assert.equal(pages, 1);
      const controller = new AbortController();
      const aborted = await createLdapSource(context({ pageSize: 100 })).digestedRecords?.({ signal: controller.signal }, DIGEST);
      assert.ok(aborted);
      await assert.rejects(async () => {
        for await (const page of aborted.pages) {
          assert.ok(page.keys.length > 0);
          controller.abort();
        }
      }, (error: unknown) => (error as Error).name === 'AbortError');
    });
  });

  test('bad settings are refused by the factory with the field', () => {
    const refused = (settings: Record<string, unknown>, field: string, code: string) => assert.throws(
      () => createLdapSource(context(settings)),
      (error: unknown) => error instanceof SourceSettingsError && error.field === field && error.code === code,
    );
    refused({ filter: '(&(uid=a)' }, 'filter', 'ldap_bad_filter');
    refused({ filter: 'uid=a' }, 'filter', 'ldap_bad_filter');
    refused({ url: 'http://ldap.univ.fr' }, 'url', 'invalid_ldap_settings');
    refused({ pageSize: 0 }, 'pageSize', 'invalid_ldap_settings');
    refused({ url: 'ldaps://127.0.0.1:636', startTls: true }, 'startTls', 'invalid_ldap_settings');
    refused({ caCertFile: '/nonexistent/ca.pem' }, 'caCertFile', 'invalid_ldap_settings');
    refused({ password: 'inline secrets are not settings' }, 'password', 'invalid_ldap_settings');
    refused({ secretEnv: 'UNDEFINED' }, 'secretEnv', 'unknown_secret');
  });

  test('watermarks: GeneralizedTime kept, ISO 8601 converted, anything else refused', () => {
    assert.equal(toGeneralizedTime('20261206002236Z'), '20261206002236Z');
    assert.equal(toGeneralizedTime('20261206002236.5Z'), '20261206002236Z');
    assert.equal(toGeneralizedTime('2026-12-06T00:22:36.123Z'), '20261206002236Z');
    assert.throws(() => toGeneralizedTime('yesterday'), SourceSettingsError);
  });

  test('property: watermarks compare as strings the way their instants compare (the source keeps the highest)', () => {
    const instant = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true });
    fc.assert(fc.property(instant, instant, (a, b) => {
      const [ga, gb] = [toGeneralizedTime(a.toISOString()), toGeneralizedTime(b.toISOString())];
      assert.match(ga, /^\d{14}Z$/);
      // Second resolution, as GeneralizedTime in directories.
      const [sa, sb] = [Math.floor(a.getTime() / 1000), Math.floor(b.getTime() / 1000)];
      assert.equal(Math.sign(ga.localeCompare(gb, 'en')), Math.sign(sa - sb));
      assert.equal(ga < gb, sa < sb);
      assert.equal(toGeneralizedTime(ga), ga, 'idempotent');
    }));
  });
});
