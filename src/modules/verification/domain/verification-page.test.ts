import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { pageDateFormatter, renderVerificationPage, type PageContent } from './verification-page.ts';
import type { PageLocale } from './verification-status.ts';

const ESCN = '3e506370-826a-103d-bf76-001999999999';
const BASE = { kind: 'card' as const, escn: ESCN, issuer: { name: 'Université <Exemple> & "Co"', pic: '999999999' }, cardType: 'SMART_NO_CDZ' };

/** Every shape of the page, in both languages: cards in each status and wording, with and without dates, holder, federation. */
function cases(): Array<[string, PageContent, PageLocale, string]> {
  const all: Array<[string, PageContent, PageLocale, string]> = [];
  for (const locale of ['fr', 'en'] as const) {
    all.push([`active-${locale}`, { ...BASE, status: 'ACTIVE', expiresAt: '2027-12-31' }, locale, `/v/${ESCN}`]);
    all.push([`active-first-${locale}`, { ...BASE, status: 'ACTIVE', expiresAt: '2028-02-01', federation: { name: 'Léocarte' },
      holder: { name: 'Élodie L\'Hôte', photoDataUri: 'data:image/jpeg;base64,AAAA' } }, locale, '/v/x']);
    all.push([`expired-${locale}`, { ...BASE, status: 'EXPIRED', expiresAt: '2024-09-01', cardType: 'SMART_PASSIVE' }, locale, '/v/x']);
    all.push([`noexpiry-${locale}`, { ...BASE, status: 'ACTIVE', expiresAt: null, cardType: 'WEIRD' }, locale, '/v/x']);
    all.push([`baddate-${locale}`, { ...BASE, status: 'ACTIVE', expiresAt: 'not-a-day' }, locale, '/v/x']);
    for (const reason of ['not_yet_in_service', 'withdrawn', 'suspended'] as const) {
      all.push([`inactive-${reason}-${locale}`, { ...BASE, status: 'INACTIVE', inactiveReason: reason, expiresAt: '2026-01-05',
        holder: { name: 'Ann', photoDataUri: null } }, locale, '/v/x']);
    }
    all.push([`unknown-${locale}`, { kind: 'unknown', escn: ESCN }, locale, `/v/${ESCN}`]);
    all.push([`invalid-${locale}`, { kind: 'invalid' }, locale, '/v/']);
    all.push([`limited-${locale}`, { kind: 'limited', retryAfterSeconds: 42 }, locale, '/v/"><x']);
  }
  return all;
}

/**
 * SHA-256 (first 16 hex digits) of each page as rendered before the formatter and escaping were
 * made cheap: the page must stay byte for byte the same (ETags and shared caches depend on it).
 */
const GOLDEN: Record<string, string> = {
  "active-fr": "be98781d0fefd99a",
  "active-first-fr": "f88d7a0f29b9a27d",
  "expired-fr": "e85ccefd95940e1f",
  "noexpiry-fr": "f7974a2b824b2251",
  "baddate-fr": "33e2788c058ddab8",
  "inactive-not_yet_in_service-fr": "0c984380ef4a60fc",
  "inactive-withdrawn-fr": "ff7a1b2a1c09ecca",
  "inactive-suspended-fr": "40b18cbe6e04d244",
  "unknown-fr": "5135bf4adaeb5bd9",
  "invalid-fr": "4af88d664b59be5e",
  "limited-fr": "d4bba80e74e000ec",
  "active-en": "4a1b285f834fe651",
  "active-first-en": "c168c340112e04d6",
  "expired-en": "69f247eddc2b44ae",
  "noexpiry-en": "fbd184ed467a0927",
  "baddate-en": "3e5c051717cf06d5",
  "inactive-not_yet_in_service-en": "5dc8ee479b04b770",
  "inactive-withdrawn-en": "44bffb9bb19f9fef",
  "inactive-suspended-en": "915b449fb9fce6e2",
  "unknown-en": "f79bf28f685c124b",
  "invalid-en": "9d52f58e6d8ca9be",
  "limited-en": "82fa6e6f50c769a4",
};

describe('verification page rendering', () => {
  it('renders every shape byte for byte as before', () => {
    for (const [name, content, locale, path] of cases()) {
      const digest = createHash('sha256').update(renderVerificationPage(content, locale, path)).digest('hex').slice(0, 16);
      assert.equal(digest, GOLDEN[name], name);
    }
  });

  it('writes the expiry day in full in the page language, whatever was rendered before', () => {
    const page = (locale: PageLocale, expiresAt: string) => renderVerificationPage({ ...BASE, status: 'ACTIVE', expiresAt }, locale, '/v/x');
    assert.match(page('fr', '2027-12-31'), /<dd>31 décembre 2027<\/dd>/);
    assert.match(page('en', '2027-12-31'), /<dd>31 December 2027<\/dd>/);
    // One formatter per language: an English page right after a French one is still English.
    assert.match(page('fr', '2028-02-01'), /<dd>1 février 2028<\/dd>/);
    assert.match(page('en', '2028-02-01'), /<dd>1 February 2028<\/dd>/);
  });

  it('builds the date formatter once per language and reuses it', () => {
    const fr = pageDateFormatter('fr');
    const en = pageDateFormatter('en');
    assert.notEqual(fr, en);
    for (let i = 0; i < 1_000; i += 1) {
      renderVerificationPage({ ...BASE, status: 'ACTIVE', expiresAt: '2027-12-31' }, i % 2 === 0 ? 'fr' : 'en', '/v/x');
    }
    assert.equal(pageDateFormatter('fr'), fr);
    assert.equal(pageDateFormatter('en'), en);
    assert.equal(fr.resolvedOptions().locale, 'fr-FR');
    assert.equal(en.resolvedOptions().timeZone, 'UTC');
  });
});
