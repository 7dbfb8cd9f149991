/**
 * IdP metadata: reading single descriptors and signed federation aggregates (signature, entity
 * picked by id, expiry, wrapping), and the per-node cache (daily refresh, last good copy kept
 * and logged when a refresh fails, never past its validUntil).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { createTestIdp, generateKeyPair, signedAggregate, type TestIdp, type TestKeyPair } from '../../../test/helpers/saml-idp.ts';
import { SamlMetadataError, parseIdpMetadata } from './saml-idp-metadata.ts';
import { METADATA_REFRESH_MS, METADATA_RETRY_MS, createSamlMetadataCache } from './saml-metadata.cache.ts';

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

describe('IdP metadata cache', () => {
  it('reads once, serves from memory, refreshes after a day, and keeps the last good copy (logged) when the refresh fails', async () => {
    const federation = generateKeyPair('federation-cache');
    const idp = createTestIdp({ baseUrl: 'https://idp.cache.example/idp' });
    let now = new Date('2026-12-06T00:00:00Z');
    const validUntil = new Date(now.getTime() + 3 * DAY);
    let document = signedAggregate([idp.metadataXml], federation, validUntil);
    let reads = 0;
    let failing = false;
    const warnings: string[] = [];
    const cache = createSamlMetadataCache({
      now: () => now,
      logger: { info: () => undefined, warn: (_data: unknown, message?: string) => { warnings.push(String(message)); } } as never,
      read: async () => {
        reads++;
        if (failing) throw new SamlMetadataError('metadata URL answered HTTP 503');
        return document;
      },
    });
    const source = { url: 'https://federation.example/metadata.xml', federationCertificate: federation.certificate, idpEntityId: idp.entityId };
    // parseIdpMetadata checks validUntil against the injected clock.
    const [a, b] = await Promise.all([cache.get('fed', source), cache.get('fed', source)]);
    assert.equal(a.entityId, idp.entityId);
    assert.equal(b, a);
    assert.equal(reads, 1, 'concurrent first loads read once');
    now = new Date(now.getTime() + METADATA_REFRESH_MS - 1000);
    await cache.get('fed', source);
    assert.equal(reads, 1, 'still fresh');

    now = new Date(now.getTime() + 2000);
    failing = true;
    const kept = await cache.get('fed', source);
    assert.equal(kept, a, 'the last good copy');
    assert.equal(reads, 2);
    assert.deepEqual(warnings, ['saml metadata refresh failed: keeping the last good copy']);
    await cache.get('fed', source);
    assert.equal(reads, 2, 'no new attempt before the retry delay');

    now = new Date(now.getTime() + METADATA_RETRY_MS + 1000);
    failing = false;
    document = signedAggregate([createTestIdp({ baseUrl: 'https://idp.moved.example/idp', entityId: idp.entityId, keys: idp.keys }).metadataXml],
      federation, new Date(now.getTime() + 14 * DAY));
    const refreshed = await cache.get('fed', source);
    assert.equal(reads, 3);
    assert.equal(refreshed.singleSignOnUrl, 'https://idp.moved.example/idp/profile/SAML2/Redirect/SSO');

    // Past validUntil with every refresh failing: the copy is not used any more.
    failing = true;
    now = new Date(now.getTime() + 15 * DAY);
    await assert.rejects(cache.get('fed', source), /expired and could not be refreshed/);
  });

  it('a first load that fails is an error (nothing to fall back on)', async () => {
    const cache = createSamlMetadataCache({
      logger: { info: () => undefined, warn: () => undefined } as never,
      read: async () => { throw new SamlMetadataError('metadata URL unreachable'); },
    });
    await assert.rejects(cache.get('x', { url: 'https://md.example/x.xml' }), /unreachable/);
  });
});
