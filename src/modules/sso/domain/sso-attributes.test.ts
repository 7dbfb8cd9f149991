import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  affiliationsOf, canonicalizeAttributes, canonicalName, claimsToAttributes, eppnOf, groupsOf, OIDC_CLAIMS, personFieldsOf, personTypeFor,
  SAML_OIDS,
} from './sso-attributes.ts';

describe('SSO attributes', () => {
  it('names SAML OIDs (with or without urn:oid:) and OIDC claims canonically', () => {
    assert.equal(canonicalName('urn:oid:1.3.6.1.4.1.5923.1.1.1.6'), 'eduPersonPrincipalName');
    assert.equal(canonicalName('1.3.6.1.4.1.5923.1.1.1.6'), 'eduPersonPrincipalName');
    assert.equal(canonicalName('urn:oid:1.3.6.1.4.1.7135.1.2.1.9'), 'supannCodeINE');
    assert.equal(canonicalName('urn:oid:1.3.6.1.4.1.7135.1.2.1.10'), 'supannEtuId');
    assert.equal(canonicalName('urn:oid:1.3.6.1.4.1.7135.1.2.1.14'), 'supannEtablissement');
    assert.equal(canonicalName('urn:oid:1.3.6.1.4.1.7135.1.2.1.26'), undefined, 'supannEtuCursusAnnee is not read');
    assert.equal(canonicalName('family_name'), 'sn');
    assert.equal(canonicalName('EDUPERSONPRINCIPALNAME'), 'eduPersonPrincipalName');
    assert.equal(canonicalName('urn:oid:9.9.9'), undefined);
    for (const [oid, name] of Object.entries(SAML_OIDS)) assert.equal(canonicalName(oid), name);
    for (const [claim, name] of Object.entries(OIDC_CLAIMS)) assert.equal(canonicalName(claim), name);
  });

  it('keeps raw names, adds canonical ones, merges aliases without duplicates and drops empty values', () => {
    const attributes = canonicalizeAttributes({
      'urn:oid:0.9.2342.19200300.100.1.3': ['a@x.fr', ''],
      mail: ['a@x.fr', 'b@x.fr'],
      custom: ['v'],
    });
    assert.deepEqual(attributes.mail, ['a@x.fr', 'b@x.fr']);
    assert.deepEqual(attributes['urn:oid:0.9.2342.19200300.100.1.3'], ['a@x.fr']);
    assert.deepEqual(attributes.custom, ['v']);
  });

  it('turns OIDC claims into attributes: scalars, arrays, objects skipped', () => {
    const attributes = claimsToAttributes({ sub: 'abc', email_verified: true, groups: ['g1', 'g2', { x: 1 }], address: { street: 'x' }, age: 3 });
    assert.deepEqual(attributes.isMemberOf, ['g1', 'g2']);
    assert.deepEqual(attributes.email_verified, ['true']);
    assert.deepEqual(attributes.age, ['3']);
    assert.equal(attributes.address, undefined);
  });

  it('reads the eppn lower-cased from the configured attribute, and refuses what is not an eppn', () => {
    assert.equal(eppnOf({ eduPersonPrincipalName: [' Alice@Univ-Demo.FR '] }, 'eduPersonPrincipalName'), 'alice@univ-demo.fr');
    assert.equal(eppnOf({ 'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': ['bob@u.fr'] }, 'eduPersonPrincipalName'), 'bob@u.fr',
      'a raw OID is found through its canonical name');
    assert.equal(eppnOf({ uid: ['carol@u.fr'] }, 'uid'), 'carol@u.fr');
    assert.equal(eppnOf({ eduPersonPrincipalName: ['no-at-sign'] }, 'eduPersonPrincipalName'), undefined);
    assert.equal(eppnOf({ mail: ['x@u.fr'] }, 'eduPersonPrincipalName'), undefined);
  });

  it('maps person fields with overrides, falls back to the display name, and reads the most significant affiliation', () => {
    const attributes = canonicalizeAttributes({
      displayName: ['Jean-Pierre Martin'], mail: ['jp@u.fr'], supannEtuId: ['2024001'], studentId: ['S-9'],
      eduPersonAffiliation: ['member', 'student@u.fr'], eduPersonPrimaryAffiliation: ['Student'],
    });
    assert.deepEqual(personFieldsOf(attributes), {
      firstName: 'Jean-Pierre', lastName: 'Martin', email: 'jp@u.fr', studentNumber: '2024001', affiliation: 'student',
    });
    assert.equal(personFieldsOf(attributes, { studentNumber: 'studentId' }).studentNumber, 'S-9');
    assert.deepEqual(affiliationsOf(attributes), ['student', 'member']);
  });

  it('finds groups in the configured attribute, else isMemberOf, memberOf or groups', () => {
    assert.deepEqual(groupsOf({ memberOf: ['cn=a', 'cn=a', ' '] }, null), ['cn=a']);
    assert.deepEqual(groupsOf({ isMemberOf: ['x'], memberOf: ['y'] }, null), ['x']);
    assert.deepEqual(groupsOf({ roles: ['r'], isMemberOf: ['x'] }, 'roles'), ['r']);
    assert.deepEqual(groupsOf({}, null), []);
  });

  it('maps affiliations to the first person type listing one, most significant affiliation first', () => {
    const types = [
      { code: 'staff', affiliations: ['staff', 'employee'] },
      { code: 'student', affiliations: ['student'] },
      { code: 'guest', affiliations: ['affiliate', 'member'] },
    ];
    assert.equal(personTypeFor(['student', 'member'], types)?.code, 'student');
    assert.equal(personTypeFor(['member', 'student'], types)?.code, 'guest');
    assert.equal(personTypeFor(['alum'], types), undefined);
  });

  it('property: canonicalisation keeps every raw value and is idempotent', () => {
    const names = fc.constantFrom(...Object.keys(SAML_OIDS), ...Object.keys(OIDC_CLAIMS), 'mail', 'sn', 'custom', 'x-y');
    fc.assert(fc.property(fc.dictionary(names, fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 })), (raw) => {
      const once = canonicalizeAttributes(raw);
      for (const [name, values] of Object.entries(raw)) {
        for (const value of values) if (value !== '') assert.ok(once[name]?.includes(value));
        const canonical = canonicalName(name);
        if (canonical) for (const value of values) if (value !== '') assert.ok(once[canonical]?.includes(value));
      }
      assert.deepEqual(canonicalizeAttributes(once), once);
    }));
  });
});
