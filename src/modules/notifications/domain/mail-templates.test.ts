import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  chooseLocale, defaultMailTemplate, escapeHtml, isMailLocale, isMailTemplate, MAIL_LOCALES, MAIL_TEMPLATES, renderMail, sampleMailData,
  TEMPLATE_PLACEHOLDERS, validateMailTemplate, type MailData,
} from './mail-templates.ts';

const BASE: MailData = {
  firstName: 'Camille',
  institutionName: 'Université de Test',
  selfServiceUrl: 'https://cards.univ-test.fr',
};

const tagsOf = (html: string) => html.match(/<[^>]*>/g) ?? [];

describe('chooseLocale', () => {
  it('takes the person’s French or English preference, French otherwise', () => {
    assert.equal(chooseLocale('en'), 'en');
    assert.equal(chooseLocale('en-GB'), 'en');
    assert.equal(chooseLocale(' EN_us '), 'en');
    assert.equal(chooseLocale('fr-CA'), 'fr');
    assert.equal(chooseLocale('de'), 'fr');
    assert.equal(chooseLocale(''), 'fr');
    assert.equal(chooseLocale(null), 'fr');
    assert.equal(chooseLocale(undefined), 'fr');
  });
});

describe('renderMail', () => {
  it('renders every template in both locales: one-line subject, greeting, link, signature', () => {
    for (const template of MAIL_TEMPLATES) {
      for (const locale of MAIL_LOCALES) {
        const mail = renderMail(template, locale, { ...BASE, reason: 'LOST', comment: null });
        assert.ok(mail.subject.length > 0 && !/[\r\n]/.test(mail.subject), `${template}/${locale} subject`);
        assert.ok(mail.subject.endsWith('– Université de Test'), mail.subject);
        assert.ok(mail.text.startsWith(locale === 'fr' ? 'Bonjour Camille,' : 'Hello Camille,'), mail.text);
        assert.ok(mail.text.includes('Université de Test'));
        assert.match(mail.html, new RegExp(`^<!DOCTYPE html>\\n<html lang="${locale}">`));
        assert.ok(mail.html.includes('Camille'));
        assert.ok(mail.text.includes('https://cards.univ-test.fr'), `${template}/${locale} link`);
        assert.ok(mail.html.includes('<a href="https://cards.univ-test.fr">'), `${template}/${locale} html link`);
      }
    }
  });

  it('writes French and English', () => {
    assert.equal(renderMail('card_ready', 'fr', BASE).subject, 'Votre carte est prête – Université de Test');
    assert.equal(renderMail('card_ready', 'en', BASE).subject, 'Your card is ready – Université de Test');
    assert.match(renderMail('request_checked', 'fr', BASE).text, /a été validée/);
    assert.match(renderMail('request_checked', 'en', BASE).text, /has approved/);
  });

  it('shows the manager’s reason for a rejected request', () => {
    const fr = renderMail('request_rejected', 'fr', { ...BASE, reason: 'Photo floue' });
    assert.match(fr.text, /Motif\u00a0: Photo floue/);
    const en = renderMail('request_rejected', 'en', { ...BASE, reason: 'Blurry photo' });
    assert.match(en.text, /Reason: Blurry photo/);
    assert.match(en.html, /Reason: Blurry photo/);
  });

  it('says a physical card is ready to collect and a virtual one is enabled', () => {
    assert.match(renderMail('card_ready', 'en', { ...BASE, cardKind: 'physical' }).text, /printed and encoded.*collect it/s);
    const virtual = renderMail('card_ready', 'en', { ...BASE, cardKind: 'virtual' });
    assert.equal(virtual.subject, 'Your virtual card is enabled – Université de Test');
    assert.doesNotMatch(virtual.text, /collect/);
  });

  it('explains a disabled card: the reason, the comment, and how to re-enable or replace it', () => {
    const selfLost = renderMail('card_disabled', 'en', { ...BASE, reason: 'LOST', disabledBy: 'self' });
    assert.match(selfLost.text, /Reason: card lost/);
    assert.match(selfLost.text, /enable it again yourself/);
    const officeLost = renderMail('card_disabled', 'en', { ...BASE, reason: 'LOST', disabledBy: 'manager' });
    assert.doesNotMatch(officeLost.text, /yourself/);
    assert.match(officeLost.text, /contact the card office/);
    const manager = renderMail('card_disabled', 'fr', { ...BASE, reason: 'MANAGER', comment: 'Carte prêtée', disabledBy: 'manager' });
    assert.match(manager.text, /Motif\u00a0: décision du bureau des cartes/);
    assert.match(manager.text, /Commentaire du bureau des cartes\u00a0: Carte prêtée/);
    assert.match(manager.text, /contactez le bureau des cartes/);
    assert.match(renderMail('card_disabled', 'fr', { ...BASE, reason: 'OUT_OF_ORDER', disabledBy: 'self' }).text, /demander une nouvelle carte/);
    assert.match(renderMail('card_disabled', 'en', { ...BASE, reason: 'REPLACED', disabledBy: 'system' }).text, /nothing for you to do/);
    assert.match(renderMail('card_disabled', 'en', { ...BASE, reason: 'RIGHTS_ENDED', disabledBy: 'system' }).text, /rights are extended/);
  });

  it('leaves the name out when the institution is not set up, and greets without a first name', () => {
    const mail = renderMail('card_enabled', 'fr', { ...BASE, firstName: ' ', institutionName: '' });
    assert.equal(mail.subject, 'Votre carte est activée');
    assert.ok(mail.text.startsWith('Bonjour,\n'));
    assert.match(mail.text, /Le bureau des cartes\n/);
  });

  it('escapes names and reasons in HTML: a <script> first name stays text', () => {
    const mail = renderMail('request_rejected', 'en', {
      ...BASE,
      firstName: '<script>alert("x")</script>',
      institutionName: 'Arts & Métiers <b>',
      reason: '"><img src=x onerror=alert(1)>',
    });
    assert.ok(!mail.html.includes('<script>'));
    assert.ok(!mail.html.includes('<img'));
    assert.ok(!mail.html.includes('<b>'));
    assert.ok(mail.html.includes('Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;,'));
    assert.ok(mail.html.includes('Arts &amp; Métiers &lt;b&gt;'));
    assert.ok(mail.text.includes('Hello <script>alert("x")</script>,'), 'the text body shows the name as written');
  });

  it('keeps line breaks out of the subject (no header injection)', () => {
    const mail = renderMail('card_ready', 'fr', { ...BASE, institutionName: 'Univ\r\nBcc: victim@example.org' });
    assert.ok(!/[\r\n]/.test(mail.subject));
  });

  it('never lets data add markup, whatever the data (property)', () => {
    const value = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `x${s}`);
    fc.assert(fc.property(
      fc.constantFrom(...MAIL_TEMPLATES), fc.constantFrom(...MAIL_LOCALES), value, value, value, value,
      (template, locale, firstName, institutionName, reason, comment) => {
        const plain = renderMail(template, locale, { ...BASE, firstName: 'x', institutionName: 'x', reason: 'x', comment: 'x' });
        const mail = renderMail(template, locale, { ...BASE, firstName, institutionName, reason, comment });
        assert.deepEqual(tagsOf(mail.html), tagsOf(plain.html));
        assert.ok(!/[\r\n]/.test(mail.subject));
      },
    ), { numRuns: 300 });
  });
});

describe('editable templates', () => {
  it('writes every built-in text in the template language, valid for its own template', () => {
    for (const template of MAIL_TEMPLATES) {
      for (const locale of MAIL_LOCALES) {
        const source = defaultMailTemplate(template, locale);
        assert.deepEqual(validateMailTemplate(template, source), [], `${template}/${locale}`);
        assert.deepEqual(renderMail(template, locale, BASE, source), renderMail(template, locale, BASE));
      }
    }
  });

  it('renders an override with the same greeting, signature, footer and escaping', () => {
    const mail = renderMail('card_ready', 'en', { ...BASE, firstName: '<b>Sam</b>', cardKind: 'virtual' }, {
      subject: '{{#virtual}}Virtual{{/virtual}}{{^virtual}}Plastic{{/virtual}} card for {{firstName}}',
      body: 'Dear {{firstName}}, <i>look</i>:\n{{link}}\n\n{{^virtual}}Collect it.{{/virtual}}',
    });
    assert.equal(mail.subject, 'Virtual card for <b>Sam</b>');
    assert.equal(mail.text, 'Hello <b>Sam</b>,\n\nDear <b>Sam</b>, <i>look</i>:\nhttps://cards.univ-test.fr\n\nThe card office – Université de Test\n\n--\n\nThis message was sent automatically; please do not reply.\n');
    assert.ok(mail.html.includes('<p>Dear &lt;b&gt;Sam&lt;/b&gt;, &lt;i&gt;look&lt;/i&gt;:<br><a href="https://cards.univ-test.fr">https://cards.univ-test.fr</a></p>'));
    assert.ok(!mail.html.includes('Collect'));
  });

  it('gives card_disabled the translated reason label and the advice sentence as values', () => {
    const source = { subject: 'Off', body: '[{{reason}}] [{{comment}}] [{{advice}}]' };
    const mail = renderMail('card_disabled', 'fr', { ...BASE, reason: 'THEFT', disabledBy: 'self', comment: 'Vu' }, source);
    assert.match(mail.text, /\[carte volée\] \[Vu\] \[Si vous la retrouvez, vous pouvez la réactiver vous-même/);
  });

  it('allows each template only its own placeholders, and names the part at fault', () => {
    assert.deepEqual(TEMPLATE_PLACEHOLDERS.card_ready, ['firstName', 'institutionName', 'link']);
    const problems = validateMailTemplate('card_ready', { subject: 'Ready {{reason}}', body: 'Here: {{link}} {{#virtual}}' });
    assert.deepEqual(problems.map((problem) => [problem.field, problem.code]), [['subject', 'unknown_placeholder'], ['body', 'unbalanced_section']]);
    assert.deepEqual(validateMailTemplate('request_rejected', { subject: 'No', body: '{{#reason}}Because {{reason}}{{/reason}}' }), []);
    assert.deepEqual(validateMailTemplate('card_disabled', { subject: 'Off\nBcc: x', body: 'x'.repeat(9000) }).map((problem) => [problem.field, problem.code]),
      [['subject', 'subject_multiline'], ['body', 'template_too_long']]);
  });

  it('refuses to render an invalid override rather than guessing', () => {
    assert.throws(() => renderMail('card_ready', 'fr', BASE, { subject: '{{nope}}', body: 'x' }), RangeError);
  });

  it('fills every optional value of the preview sample', () => {
    const sample = sampleMailData('card_disabled', 'en', { institutionName: 'U', selfServiceUrl: 'https://u.example', cardKind: 'virtual' });
    const mail = renderMail('card_disabled', 'en', sample);
    assert.match(mail.text, /Reason: decision of the card office/);
    assert.match(mail.text, /Comment from the card office: Card lent to someone else\./);
    assert.match(renderMail('request_rejected', 'fr', sampleMailData('request_rejected', 'fr', { institutionName: '', selfServiceUrl: 'https://u.example', cardKind: 'physical' })).text, /Motif\u00a0: La photo est floue\./);
  });
});

describe('helpers', () => {
  it('escapeHtml escapes the five special characters', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('isMailTemplate accepts only known templates', () => {
    assert.ok(isMailTemplate('card_ready'));
    assert.ok(!isMailTemplate('card_exploded'));
    assert.ok(!isMailTemplate(3));
  });

  it('isMailLocale accepts exactly fr and en', () => {
    assert.ok(isMailLocale('fr') && isMailLocale('en'));
    assert.ok(!isMailLocale('en-GB') && !isMailLocale('de') && !isMailLocale(null));
  });
});
