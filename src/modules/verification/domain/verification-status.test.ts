import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chooseLocale, inactiveReason, verificationStatus } from './verification-status.ts';
import { escapeHtml, renderVerificationPage } from './verification-page.ts';

describe('verificationStatus', () => {
  const today = '2026-03-15';

  it('ENABLED within its validity is ACTIVE, including its last day and without an end date', () => {
    assert.equal(verificationStatus({ state: 'ENABLED', expiresAt: '2026-08-31' }, today), 'ACTIVE');
    assert.equal(verificationStatus({ state: 'ENABLED', expiresAt: today }, today), 'ACTIVE');
    assert.equal(verificationStatus({ state: 'ENABLED', expiresAt: null }, today), 'ACTIVE');
  });

  it('past expiry or CADUC is EXPIRED, whatever the state', () => {
    assert.equal(verificationStatus({ state: 'ENABLED', expiresAt: '2026-03-14' }, today), 'EXPIRED');
    assert.equal(verificationStatus({ state: 'DISABLED', expiresAt: '2026-03-14' }, today), 'EXPIRED');
    assert.equal(verificationStatus({ state: 'CADUC', expiresAt: '2027-01-01' }, today), 'EXPIRED');
  });

  it('every other state with a number is INACTIVE', () => {
    for (const state of ['NEW', 'RENEWED', 'REQUEST_CHECKED', 'IN_PRINT', 'PRINTED', 'IN_ENCODE', 'ENCODED', 'DISABLED', 'DESTROYED', 'REJECTED', 'CANCELED']) {
      assert.equal(verificationStatus({ state, expiresAt: '2027-01-01' }, today), 'INACTIVE', state);
    }
  });

  it('an INACTIVE card is not yet in service before its first enabling, withdrawn when refused or destroyed, else suspended', () => {
    for (const state of ['NEW', 'RENEWED', 'REQUEST_CHECKED', 'IN_PRINT', 'PRINTED', 'IN_ENCODE', 'ENCODED']) assert.equal(inactiveReason(state), 'not_yet_in_service', state);
    for (const state of ['REJECTED', 'CANCELED', 'DESTROYED']) assert.equal(inactiveReason(state), 'withdrawn', state);
    assert.equal(inactiveReason('DISABLED'), 'suspended');
  });

  it('property: ACTIVE only for ENABLED and unexpired', () => {
    const day = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(fc.property(fc.constantFrom('ENABLED', 'DISABLED', 'CADUC', 'ENCODED'), fc.option(day), day, (state, expiresAt, now) => {
      const status = verificationStatus({ state, expiresAt }, now);
      assert.equal(status === 'ACTIVE', state === 'ENABLED' && (expiresAt === null || expiresAt >= now));
    }));
  });
});

describe('chooseLocale', () => {
  it('?lang wins, then Accept-Language by weight, else French', () => {
    assert.equal(chooseLocale('en', 'fr'), 'en');
    assert.equal(chooseLocale('EN-gb', undefined), 'en');
    assert.equal(chooseLocale('de', 'en'), 'en');
    assert.equal(chooseLocale(undefined, 'de-DE, en;q=0.5, fr;q=0.9'), 'fr');
    assert.equal(chooseLocale(undefined, 'en-US,en;q=0.9'), 'en');
    assert.equal(chooseLocale(undefined, 'fr;q=0, en;q=0.1'), 'en');
    assert.equal(chooseLocale(undefined, 'de, it'), 'fr');
    assert.equal(chooseLocale(undefined, undefined), 'fr');
    assert.equal(chooseLocale(undefined, ';;;q=abc,,'), 'fr');
  });

  it('a language the page does not have falls back to French, not to a lower-ranked English', () => {
    assert.equal(chooseLocale(undefined, 'de'), 'fr');
    assert.equal(chooseLocale(undefined, 'en-GB'), 'en');
    // What Chrome sends for a German (or Spanish, Italian…) browser.
    assert.equal(chooseLocale(undefined, 'de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7'), 'fr');
    assert.equal(chooseLocale(undefined, 'es-ES,es;q=0.9,en;q=0.8'), 'fr');
    assert.equal(chooseLocale(undefined, '*'), 'fr');
    assert.equal(chooseLocale('de', 'de, en;q=0.9'), 'fr');
  });

  it('q-values decide which language is preferred, whatever the order', () => {
    assert.equal(chooseLocale(undefined, 'de;q=0.5, en;q=0.9'), 'en');
    assert.equal(chooseLocale(undefined, 'fr;q=0.8, en'), 'en');
    assert.equal(chooseLocale(undefined, 'en;q=0.4, fr-CA;q=0.6'), 'fr');
    assert.equal(chooseLocale(undefined, 'de;q=0, en-US;q=0.3'), 'en');
  });
});

describe('renderVerificationPage', () => {
  it('escapes every value', () => {
    const html = renderVerificationPage({
      kind: 'card', status: 'ACTIVE', escn: 'x', issuer: { name: '<b>Évil & Co</b>', pic: '999999999' }, expiresAt: null, cardType: 'PASSIVE',
      holder: { name: '"><script>', photoDataUri: null },
    }, 'en', '/v/x');
    assert.doesNotMatch(html, /<b>Évil|<script>/);
    assert.match(html, /&lt;b&gt;Évil &amp; Co&lt;\/b&gt;/);
    assert.match(html, /Printed card/);
    assert.equal(escapeHtml('\'"<>&'), '&#39;&quot;&lt;&gt;&amp;');
  });

  it('offers the other language on the same path', () => {
    assert.match(renderVerificationPage({ kind: 'invalid' }, 'fr', '/v/'), /href="\/v\/\?lang=en"/);
    assert.match(renderVerificationPage({ kind: 'unknown', escn: 'e' }, 'en', '/v/e'), /Unknown card[\s\S]*href="\/v\/e\?lang=fr"/);
  });
});
