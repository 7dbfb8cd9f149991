/**
 * One French vocabulary and one typography, so that they stay fixed as strings are added:
 * - a card that no longer works is "suspendue" (never "désactivée"); a mail is an "e-mail" (never
 *   "courriel"); people meet the "bureau des cartes" in the interface;
 * - the apostrophe is the typographic one (’), never the straight one;
 * - the rule of the Imprimerie nationale for spaces: a no-break space (U+00A0) before ":" and
 *   inside « »; a narrow no-break space (U+202F) before ; ! ?; never an ordinary space there;
 * - real plurals (i18next `_one`/`_other` with `count`), never "(s)", in French and in English.
 * Checked over every French string of the web app (fr.json), the built-in French mails, the
 * French verification page, the pages single sign-on renders itself (refusals, failures of CAS,
 * SAML and OpenID Connect, another browser's callback) and the French lines of the start message.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startupMessage } from '../../src/cli/serve.command.ts';
import { loadConfig } from '../../src/config.ts';
import { defaultMailTemplate, MAIL_TEMPLATES, renderMail, sampleMailData } from '../../src/modules/notifications/domain/mail-templates.ts';
import { renderVerificationPage } from '../../src/modules/verification/domain/verification-page.ts';
import { CAS_FAILURE_KINDS, casFailurePage } from '../../src/modules/sso/cas.routes.ts';
import { OIDC_FAILURE_CODES, oidcFailurePage } from '../../src/modules/sso/oidc.routes.ts';
import { samlPage, samlPageCodes } from '../../src/modules/sso/saml.routes.ts';
import { browserMismatchPage } from '../../src/modules/sso/sso-browser.binding.ts';
import { refusedPage } from '../../src/modules/sso/sso-outcome.reply.ts';
import type { SsoRefusalReason } from '../../src/modules/sso/sso.service.ts';
import { type LocaleTree, readLocale } from '../helpers/web-locales.ts';


function strings(tree: LocaleTree, prefix = ''): Array<[string, string]> {
  return Object.entries(tree).flatMap(([key, value]): Array<[string, string]> =>
    (typeof value === 'string' ? [[`${prefix}${key}`, value]] : strings(value, `${prefix}${key}.`)));
}

/** The French text of a bilingual server page: its title and `lang="fr"` sections, tags removed, entities decoded. */
function frenchTextOfPage(html: string): string {
  const title = /<html lang="fr"[\s\S]*?<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
  const sections = [...html.matchAll(/<section lang="fr"[^>]*>([\s\S]*?)<\/section>/g)].map((match) => match[1] ?? '');
  assert.ok(sections.length > 0, `no French section in ${html.slice(0, 200)}`);
  return [title, ...sections].join('\n').replace(/<[^>]*>/g, ' ')
    .replace(/&#(\d+);/g, (_entity, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
}

/** What is wrong with a French text, one line per fault (empty when it is right). */
export function frenchFaults(text: string): string[] {
  const faults: string[] = [];
  const around = (index: number) => JSON.stringify(text.slice(Math.max(0, index - 15), index + 10));
  // Letters with accents too ("n'êtes"): \w alone would not see them.
  for (const match of text.matchAll(/[\p{L}\p{N}]'[\p{L}\p{N}]/gu)) faults.push(`straight apostrophe in ${around(match.index)}`);
  for (const match of text.matchAll(/(.)([:;!?»])/gu)) {
    const [, before = '', mark = ''] = match;
    const index = match.index + 1;
    // "https://", "10:30", "host:8080" are not French punctuation.
    if (mark === ':' && (text.startsWith('//', index + 1) || /\d/.test(before) || /\d/.test(text[index + 1] ?? ''))) continue;
    if (/[\s\u00a0\u202f]/u.test(before) || /[\p{L}\p{N}.)}»…*%]/u.test(before)) {
      const wanted = mark === ':' || mark === '»' ? '\u00a0' : '\u202f';
      if (before !== wanted) faults.push(`"${mark}" wants U+${wanted.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')} before it in ${around(index)}`);
    }
  }
  for (const match of text.matchAll(/«(.)/gu)) {
    if (match[1] !== '\u00a0') faults.push(`"«" wants U+00A0 after it in ${around(match.index)}`);
  }
  for (const match of text.matchAll(/\((e?s|e)\)/g)) faults.push(`"${match[0]}" instead of a real plural in ${around(match.index)}`);
  for (const match of text.matchAll(/courriel|désactivée|service des cartes/gi)) faults.push(`"${match[0]}" is not the chosen word in ${around(match.index)}`);
  return faults;
}

describe('French wording', () => {
  it('the checker finds each fault (it would fail on the old strings)', () => {
    assert.deepEqual(frenchFaults('L’état de la carte\u00a0: suspendue\u202f; « ok » ?').length, 3);
    assert.equal(frenchFaults('l\'adresse').length, 1);
    assert.equal(frenchFaults('Motif : x').length, 1);
    assert.equal(frenchFaults('Vraiment\u00a0?').length, 1, 'a narrow space before ?');
    assert.equal(frenchFaults('{{ok}} réussie(s)').length, 1);
    assert.equal(frenchFaults('Langue des courriels').length, 1);
    assert.equal(frenchFaults('Carte désactivée').length, 1);
    // The SSO refused page before the fix (straight apostrophes, "(e)", a plain space before ":").
    assert.equal(frenchFaults('Votre identité a bien été vérifiée, mais vous n\'êtes pas connu(e) du bureau des cartes').length, 2);
    assert.equal(frenchFaults('Votre fournisseur d\'identité n\'a pas transmis votre identifiant (eduPersonPrincipalName)\u00a0 : campuscard').length, 3);
    assert.equal(frenchFaults(frenchTextOfPage('<section lang="fr"><p>Ce mode de connexion n&#39;est pas ouvert.</p></section>')).length, 1,
      'an apostrophe escaped in the HTML is still found');
    assert.deepEqual(frenchFaults('Voir https://u.example à 10:30, «\u00a0Mes cartes\u00a0»\u00a0: c’est fait\u202f!'), []);
  });

  it('every French string of the web app', () => {
    const fr = strings(readLocale('fr'));
    assert.ok(fr.length > 500);
    const faults = fr.flatMap(([key, value]) => frenchFaults(value).map((fault) => `${key}: ${fault}`));
    assert.deepEqual(faults, []);
  });

  it('English has real plurals too', () => {
    const en = strings(readLocale('en'));
    assert.deepEqual(en.filter(([, value]) => /\w\(s\)/.test(value)).map(([key]) => key), []);
  });

  it('the built-in French mails, as written and as sent', () => {
    const faults = MAIL_TEMPLATES.flatMap((template) => {
      const source = defaultMailTemplate(template, 'fr');
      const sent = renderMail(template, 'fr', sampleMailData(template, 'fr', { institutionName: 'Université Exemple', selfServiceUrl: 'https://u.example', cardKind: 'physical' }));
      return [source.subject, source.body, sent.subject, sent.text].flatMap((text) => frenchFaults(text).map((fault) => `${template}: ${fault}`));
    });
    assert.deepEqual(faults, []);
  });

  it('the pages single sign-on renders itself, in French', () => {
    const refusals: SsoRefusalReason[] = ['unknown_person', 'unmapped_groups', 'account_disabled', 'no_eppn', 'method_disabled'];
    const pages = [
      ...refusals.map((reason) => [`refused ${reason}`, refusedPage({ kind: 'refused', reason, institutionName: 'Université Exemple', contact: 'bureau.cartes@u.example' }, 'fr')]),
      ...CAS_FAILURE_KINDS.map((kind) => [`cas ${kind}`, casFailurePage(kind, 'fr', '/auth/sso/cas/login')]),
      ...[...OIDC_FAILURE_CODES, 'oidc_state_mismatch'].map((code) => [`oidc ${code}`, oidcFailurePage(code, 'fr')]),
      ...samlPageCodes().map((code) => [`saml ${code}`, samlPage(code, 'fr')]),
      ['browser mismatch', browserMismatchPage('fr')],
      ['refused with groups', refusedPage({ kind: 'refused', reason: 'unmapped_groups', institutionName: null, contact: '', groups: Array.from({ length: 12 }, (_, index) => `g${index}`) }, 'fr')],
      // The English page carries the French version below it.
      ['refused (English first)', refusedPage({ kind: 'refused', reason: 'no_eppn', institutionName: null, contact: '' }, 'en')],
    ] as const;
    assert.ok(pages.length > 25);
    assert.deepEqual(pages.flatMap(([name, html]) => frenchFaults(frenchTextOfPage(html)).map((fault) => `${name}: ${fault}`)), []);
  });

  it('the French verification page and start message', () => {
    const page = renderVerificationPage({ kind: 'card', status: 'INACTIVE', escn: 'x', issuer: { name: 'U', pic: '1' }, expiresAt: '2030-01-01', cardType: 'PASSIVE' }, 'fr', '/v/x')
      .replace(/<style>[\s\S]*?<\/style>/, '').replace(/<span[^>]*aria-hidden[^>]*>[^<]*<\/span>/g, '').replace(/<[^>]*>/g, ' ');
    assert.deepEqual(frenchFaults(page.replace(/&#39;/g, '\'')), []);
    const runtime = { config: loadConfig({}), database: { kind: 'pglite' }, embeddedEscRouter: {} } as unknown as Parameters<typeof startupMessage>[0];
    const message = startupMessage(runtime, {
      url: 'http://localhost:8080', seconds: '1', lanAddress: '192.168.1.2',
      logins: [{ role: 'manager', email: 'm@u.fr', password: 'p', purpose: { en: 'card office', fr: 'bureau des cartes\u00a0: tout' } }],
    });
    const french = message.split('\n').filter((line) => /[éèàç’]|Ouvrez|Comptes/.test(line)).map((line) => line.split(' · ').at(-1) ?? '');
    assert.ok(french.length >= 3, message);
    assert.deepEqual(french.flatMap(frenchFaults), []);
  });
});
