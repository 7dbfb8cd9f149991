/**
 * IdP metadata: reading single descriptors and signed federation aggregates (signature, entity
 * picked by id, expiry, wrapping). Storing and refreshing it: test/api/sso-saml-metadata.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createTestIdp, generateKeyPair, signedAggregate, type TestIdp, type TestKeyPair } from '../../../test/helpers/saml-idp.ts';
import { SamlMetadataError, parseIdpMetadata } from './saml-idp-metadata.ts';

const DAY = 86_400_000;

describe('IdP metadata', () => {
  let first: TestIdp;
  let second: TestIdp;
  let federation: TestKeyPair;

  before(() => {
    federation = generateKeyPair('federation');
    first = createTestIdp({ baseUrl: 'https://idp.one.example/idp' });
    second = createTestIdp({ baseUrl: 'https://idp.two.example/idp', keys: first.keys, singleLogout: false });
  });

  it('reads a single EntityDescriptor: entity id, signing certificate, redirect SSO and SLO endpoints', async () => {
    const metadata = await parseIdpMetadata(first.metadataXml);
    assert.equal(metadata.entityId, first.entityId);
    assert.equal(metadata.singleSignOnUrl, 'https://idp.one.example/idp/profile/SAML2/Redirect/SSO');
    assert.equal(metadata.singleLogoutUrl, 'https://idp.one.example/idp/profile/SAML2/Redirect/SLO');
    assert.equal(metadata.signingCertificates.length, 1);
    assert.equal(metadata.signingCertificates[0]?.replace(/\s/g, ''), first.keys.certificate.replace(/\s/g, ''));
    assert.equal((await parseIdpMetadata(second.metadataXml)).singleLogoutUrl, null);
  });

  it('picks the IdP of a signed aggregate by entity id, and insists on one when there are several', async () => {
    const aggregate = signedAggregate([first.metadataXml, second.metadataXml], federation);
    const picked = await parseIdpMetadata(aggregate, { federationCertificate: federation.certificate, idpEntityId: second.entityId });
    assert.equal(picked.singleSignOnUrl, 'https://idp.two.example/idp/profile/SAML2/Redirect/SSO');
    assert.ok(picked.validUntil && picked.validUntil.getTime() > Date.now() + 13 * DAY, 'the aggregate validity is kept');
    await assert.rejects(parseIdpMetadata(aggregate, { federationCertificate: federation.certificate }), /2 identity providers/);
    await assert.rejects(parseIdpMetadata(aggregate, { federationCertificate: federation.certificate, idpEntityId: 'https://nope.example' }),
      /no identity provider "https:\/\/nope.example"/);
  });

  it('refuses an aggregate that is unsigned, signed by another key, altered after signing, wrapped, or expired', async () => {
    const aggregate = signedAggregate([first.metadataXml], federation);
    const options = { federationCertificate: federation.certificate, idpEntityId: first.entityId };
    const unsigned = aggregate.replace(/<(ds:)?Signature[\s\S]*<\/(ds:)?Signature>/, '');
    assert.notEqual(unsigned, aggregate);
    await assert.rejects(parseIdpMetadata(unsigned, options), SamlMetadataError);
    await assert.rejects(parseIdpMetadata(signedAggregate([first.metadataXml], generateKeyPair('rogue')), options), /does not verify/);
    await assert.rejects(parseIdpMetadata(aggregate.replace('https://idp.one.example/idp/profile/SAML2/Redirect/SSO', 'https://evil.example/sso'), options),
      /does not verify/);
    // The signed aggregate nested in an unsigned one that adds an IdP of the attacker's.
    const evil = createTestIdp({ baseUrl: 'https://evil.example/idp', entityId: 'https://evil.example/idp/shibboleth', keys: first.keys });
    const wrapped = `<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${aggregate.replace(/^<\?xml[^>]*\?>/, '')}${evil.metadataXml}</md:EntitiesDescriptor>`;
    await assert.rejects(parseIdpMetadata(wrapped, { federationCertificate: federation.certificate, idpEntityId: 'https://evil.example/idp/shibboleth' }),
      /does not verify/);
    const expired = signedAggregate([first.metadataXml], federation, new Date(Date.now() - 1000));
    await assert.rejects(parseIdpMetadata(expired, options), /expired/);
  });

  it('refuses what is not metadata, and XML with a DOCTYPE', async () => {
    await assert.rejects(parseIdpMetadata('<html/>'), /not SAML metadata/);
    await assert.rejects(parseIdpMetadata('not xml at all <'), SamlMetadataError);
    await assert.rejects(parseIdpMetadata(`<!DOCTYPE x [<!ENTITY e "e">]>${first.metadataXml.replace(/^<\?xml[^>]*\?>/, '')}`), /document type declaration/);
  });
});
