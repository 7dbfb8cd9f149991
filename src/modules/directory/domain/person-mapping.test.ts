import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  SUPANN_MAPPING, directoryDate, goneRightsEnd, mapRecord, mappedAttributes, mappingVersion, parseSourceMapping,
  type MappingContext, type SourceMapping,
} from './person-mapping.ts';
import type { SourceRecord } from './person-source.ts';
import { recordFingerprint } from './record-digest.ts';

const TYPES = [
  { code: 'student', affiliations: ['student'], disabled: false },
  { code: 'staff', affiliations: ['staff', 'faculty', 'employee'], disabled: false },
  { code: 'old', affiliations: ['affiliate'], disabled: true },
];
const CONTEXT: MappingContext = {
  fixedInstitutionId: 1,
  institutionIds: new Map([['univ', 1], ['ecole', 2]]),
  personTypes: new Map([[1, TYPES], [2, [{ code: 'student', affiliations: ['student'], disabled: false }]]]),
  today: '2026-12-06',
};

function supann(overrides: Record<string, string[]> = {}): SourceRecord {
  return {
    key: 'uid=jdoe,ou=people,dc=univ,dc=fr',
    attributes: {
      eduPersonPrincipalName: ['jdoe@univ.fr'],
      sn: ['Doe'],
      givenName: ['Jane'],
      mail: ['Jane.Doe@univ.fr'],
      supannEtuId: ['21901234'],
      eduPersonAffiliation: ['member', 'student'],
      eduPersonPrimaryAffiliation: ['student'],
      schacExpiryDate: ['20270831000000Z'],
      isMemberOf: ['cn=b,ou=groups', 'cn=a,ou=groups'],
      ...overrides,
    },
  };
}

describe('mapRecord', () => {
  it('maps a SupAnn entry: fields, person type from the primary affiliation, rights end from schacExpiryDate, sorted groups', () => {
    const mapped = mapRecord(supann(), SUPANN_MAPPING, CONTEXT);
    assert.ok(mapped.ok, JSON.stringify(mapped));
    assert.equal(mapped.institutionId, 1);
    assert.deepEqual(mapped.person, {
      eppn: 'jdoe@univ.fr', lastName: 'Doe', firstName: 'Jane', email: 'jane.doe@univ.fr', personType: 'student',
      studentNumber: '21901234', rightsEnd: '2027-08-31', affiliation: 'student',
    });
    assert.deepEqual(mapped.groups, ['cn=a,ou=groups', 'cn=b,ou=groups']);
  });

  it('takes the affiliations in priority order and skips disabled types', () => {
    const staff = mapRecord(supann({ eduPersonPrimaryAffiliation: ['faculty'], eduPersonAffiliation: ['student'] }), SUPANN_MAPPING, CONTEXT);
    assert.ok(staff.ok);
    assert.equal(staff.person.personType, 'staff');
    const none = mapRecord(supann({ eduPersonPrimaryAffiliation: ['affiliate'], eduPersonAffiliation: ['affiliate'] }), SUPANN_MAPPING, CONTEXT);
    assert.equal(none.ok, false);
    assert.ok(!none.ok && none.errors.some((error) => error.field === 'personType' && error.code === 'no_person_type'));
    const fixed = mapRecord(supann({ eduPersonPrimaryAffiliation: [], eduPersonAffiliation: [] }), { ...SUPANN_MAPPING, personType: 'staff' }, CONTEXT);
    assert.ok(fixed.ok && fixed.person.personType === 'staff');
  });

  it('resolves the institution from supannEtablissement when the source has none', () => {
    const mapping: SourceMapping = { ...SUPANN_MAPPING, institution: { attribute: 'supannEtablissement', codes: { '{UAI}0000002B': 'ecole' } } };
    const context = { ...CONTEXT, fixedInstitutionId: null };
    const mapped = mapRecord(supann({ supannEtablissement: ['{UAI}0999999Z', '{UAI}0000002B'] }), mapping, context);
    assert.ok(mapped.ok && mapped.institutionId === 2);
    const unknown = mapRecord(supann({ supannEtablissement: ['{UAI}0999999Z'] }), mapping, context);
    assert.ok(!unknown.ok && unknown.errors[0]?.field === 'institution' && unknown.errors[0].code === 'unknown_institution');
  });

  it('reports every bad field with the key, and never throws', () => {
    const mapped = mapRecord(supann({ eduPersonPrincipalName: ['not an eppn'], mail: ['nope'], schacExpiryDate: ['soon'] }), SUPANN_MAPPING, CONTEXT);
    assert.ok(!mapped.ok);
    assert.deepEqual(mapped.errors.map((error) => [error.key, error.field, error.code]).sort(), [
      ['uid=jdoe,ou=people,dc=univ,dc=fr', 'email', 'invalid_email'],
      ['uid=jdoe,ou=people,dc=univ,dc=fr', 'eppn', 'invalid_eppn'],
      ['uid=jdoe,ou=people,dc=univ,dc=fr', 'rightsEnd', 'invalid_date'],
    ]);
    const missing = mapRecord({ key: 'k', attributes: {} }, SUPANN_MAPPING, CONTEXT);
    assert.ok(!missing.ok && ['eppn', 'lastName', 'firstName', 'personType'].every((field) => missing.errors.some((error) => error.field === field)));
  });

  it('never throws and always names the key, whatever the attributes (property)', () => {
    const values = fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 });
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 20 }),
      fc.dictionary(fc.constantFrom(...mappedAttributes(SUPANN_MAPPING), 'other'), values), (key, attributes) => {
        const mapped = mapRecord({ key, attributes }, SUPANN_MAPPING, CONTEXT);
        if (!mapped.ok) assert.ok(mapped.errors.length > 0 && mapped.errors.every((error) => error.key === key));
        else assert.equal(mapped.key, key);
      }), { numRuns: 300 });
  });
});

describe('recordFingerprint', () => {
  const attributes = mappedAttributes(SUPANN_MAPPING).sort();
  const version = mappingVersion(SUPANN_MAPPING, CONTEXT);

  it('is equal whatever the key, the attribute order or the attributes the mapping ignores, and differs on a mapped value (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.string({ maxLength: 10 }), (sn, given, noise) => {
      const a = recordFingerprint(supann({ sn: [sn], givenName: [given] }), attributes, version);
      const reordered = Object.fromEntries(Object.entries(supann({ givenName: [given], sn: [sn] }).attributes).reverse());
      const b = recordFingerprint({ key: 'other-key', attributes: { ignored: [noise], ...reordered } }, attributes, version);
      assert.equal(a, b);
      assert.notEqual(a, recordFingerprint(supann({ sn: [`${sn}x`], givenName: [given] }), attributes, version));
      // Values are delimited: moving text from one value to the next is a change.
      assert.notEqual(recordFingerprint(supann({ sn: [`${sn}a`, given] }), attributes, version), recordFingerprint(supann({ sn: [sn, `a${given}`] }), attributes, version));
    }), { numRuns: 100 });
  });

  it('changes with the photo, the groups, the mapping and the person types', () => {
    const a = recordFingerprint(supann(), attributes, version);
    assert.notEqual(a, recordFingerprint(supann({ isMemberOf: ['cn=a,ou=groups'] }), attributes, version));
    assert.notEqual(a, recordFingerprint(supann(), attributes, version, new Uint8Array([1, 2, 3])));
    assert.notEqual(a, recordFingerprint(supann(), attributes, mappingVersion({ ...SUPANN_MAPPING, personType: 'staff' }, CONTEXT)));
    const retyped = { ...CONTEXT, personTypes: new Map([[1, [{ code: 'student', affiliations: ['student', 'member'], disabled: false }]]]) };
    assert.notEqual(a, recordFingerprint(supann(), attributes, mappingVersion(SUPANN_MAPPING, retyped)));
  });

  it('gives the very strings stored by earlier syncs (else every stored entry would look changed)', () => {
    // Values computed by the code that wrote today's person_source_entries: they must never change.
    const record: SourceRecord = { key: 'k1', attributes: { sn: ['Dupont'], givenName: ['Léa'], eduPersonAffiliation: ['student', 'member'], mail: [] } };
    const names = ['eduPersonAffiliation', 'givenName', 'mail', 'sn', 'supannEtuId'];
    assert.equal(recordFingerprint(record, names, 'v1'), 'kL9-09MgoTonAzbDhKEtaG1DVBOtcOQEAceEitrxPjg');
    assert.equal(recordFingerprint(record, names, 'v1', new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3])), 'qhW8slhziV88gofTVSjiC6pJA01HzNV18v8bjhF277o');
  });
});

describe('directoryDate', () => {
  it('reads GeneralizedTime, ISO and French dates as the calendar day written', () => {
    assert.equal(directoryDate('20270831000000Z'), '2027-08-31');
    assert.equal(directoryDate('20270831235959+0200'), '2027-08-31');
    assert.equal(directoryDate('20270831'), '2027-08-31');
    assert.equal(directoryDate('2027-08-31T10:00:00Z'), '2027-08-31');
    assert.equal(directoryDate('31/08/2027'), '2027-08-31');
    assert.equal(directoryDate('soon'), 'soon');
  });
});

describe('goneRightsEnd', () => {
  it('gives today, today + N days, or the fixed date; undefined for anything else', () => {
    assert.equal(goneRightsEnd('today', '2026-12-06'), '2026-12-06');
    assert.equal(goneRightsEnd('+30 days', '2026-12-06'), '2027-01-05');
    assert.equal(goneRightsEnd('2027-01-31', '2026-12-06'), '2027-01-31');
    assert.equal(goneRightsEnd('2027-02-30', '2026-12-06'), undefined);
    assert.equal(goneRightsEnd('tomorrow', '2026-12-06'), undefined);
  });
});

describe('parseSourceMapping', () => {
  it('accepts the SupAnn default and refuses unknown fields, bad names and missing required fields, all at once', () => {
    assert.ok(parseSourceMapping(SUPANN_MAPPING).ok);
    const bad = parseSourceMapping({ fields: { eppn: 'a b', colour: 'x' }, affiliationAttributes: 'x', extra: 1 });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.errors.map((error) => error.field).sort(),
      ['/affiliationAttributes', '/extra', '/fields/colour', '/fields/eppn', '/fields/firstName', '/fields/lastName']);
  });
});
