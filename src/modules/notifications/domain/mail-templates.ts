/**
 * The mails a person receives when their card request or card moves in a way that matters to
 * them, in French (the default) and English: subject, plain text and HTML.
 *
 * The built-in wording is written in the template language of `mail-template-language.ts`, the
 * same one admins use to override it, so there is one rendering path and the editor shows the real
 * default text. The greeting, the signature and the "automatic message" footer stay in code.
 *
 * Every interpolated value is escaped in the HTML body (a first name like `<script>` stays text)
 * and stripped of line breaks (no header injection through the subject). Pure: no I/O, no clock.
 */
import {
  escapeHtml, oneLine, parseBody, parseSubject, renderParagraphs, renderSegments, renderSubject,
  type Paragraph, type RenderScope, type TemplateErrorCode, type TemplateGrammar, type TemplateNode,
} from './mail-template-language.ts';

export { escapeHtml } from './mail-template-language.ts';

export const MAIL_TEMPLATES = ['request_checked', 'request_rejected', 'card_ready', 'card_disabled', 'card_enabled'] as const;

export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

export const MAIL_LOCALES = ['fr', 'en'] as const;

export type MailLocale = (typeof MAIL_LOCALES)[number];

export const DEFAULT_MAIL_LOCALE: MailLocale = 'fr';

/** Every value a template may insert; each template allows a subset ({@link TEMPLATE_PLACEHOLDERS}). */
export const MAIL_PLACEHOLDERS = ['firstName', 'institutionName', 'link', 'reason', 'comment', 'advice'] as const;

export type MailPlaceholder = (typeof MAIL_PLACEHOLDERS)[number];

/** Names usable only as sections: `virtual` is set for a virtual card. */
export const MAIL_FLAGS = ['virtual'] as const;

const COMMON: readonly MailPlaceholder[] = ['firstName', 'institutionName', 'link'];

/** The values each template may insert (and test in sections). */
export const TEMPLATE_PLACEHOLDERS: Readonly<Record<MailTemplate, readonly MailPlaceholder[]>> = {
  request_checked: COMMON,
  request_rejected: [...COMMON, 'reason'],
  card_ready: COMMON,
  card_disabled: [...COMMON, 'reason', 'comment', 'advice'],
  card_enabled: COMMON,
};

/** What a template may show. */
export interface MailData {
  /** Empty: the greeting has no name. */
  firstName: string;
  /** Ends the subject and signs the mail; empty before the institution is set up. */
  institutionName: string;
  /** Link to the self-service (the public URL of the server). */
  selfServiceUrl: string;
  /** A virtual card is enabled rather than collected; texts differ. Defaults to physical. */
  cardKind?: 'physical' | 'virtual' | undefined;
  /**
   * `request_rejected`: the manager's reason, shown as written.
   * `card_disabled`: the disable reason code (LOST, THEFT, OUT_OF_ORDER, MANAGER, REPLACED,
   * RIGHTS_ENDED), shown as its label; an unknown value is shown as written.
   */
  reason?: string | null | undefined;
  /** `card_disabled` with reason MANAGER: the manager's comment, shown as written. */
  comment?: string | null | undefined;
  /** `card_disabled`: who set the reason; a holder may re-enable only a card they disabled themselves. */
  disabledBy?: 'self' | 'manager' | 'system' | null | undefined;
}

/** A subject and a body in the template language. */
export interface TemplateSource {
  subject: string;
  body: string;
}

/** A mail ready to be stored and sent. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Why an edited template is refused, and in which of its two parts. */
export interface MailTemplateProblem {
  field: 'subject' | 'body';
  code: TemplateErrorCode;
  message: string;
}

/** Narrows an untrusted string (query string, effect code) to a template name. */
export function isMailTemplate(value: unknown): value is MailTemplate {
  return typeof value === 'string' && (MAIL_TEMPLATES as readonly string[]).includes(value);
}

/** Narrows an untrusted string to a mail locale (exactly `fr` or `en`). */
export function isMailLocale(value: unknown): value is MailLocale {
  return typeof value === 'string' && (MAIL_LOCALES as readonly string[]).includes(value);
}

/**
 * The locale of a mail: the person's preference when it names French or English (`en`,
 * `en-GB`, `EN_us`…), French otherwise (unknown, missing, or a language we do not write).
 */
export function chooseLocale(preference: string | null | undefined): MailLocale {
  const language = preference?.trim().toLowerCase().split(/[-_]/)[0];
  return language === 'en' ? 'en' : language === 'fr' ? 'fr' : DEFAULT_MAIL_LOCALE;
}

/** The names a template's text may use. */
export function grammarOf(template: MailTemplate): TemplateGrammar {
  return { values: TEMPLATE_PLACEHOLDERS[template], flags: MAIL_FLAGS };
}

const INSTITUTION_SUFFIX = '{{#institutionName}} – {{institutionName}}{{/institutionName}}';

const DEFAULTS: Record<MailLocale, Record<MailTemplate, TemplateSource>> = {
  fr: {
    request_checked: {
      subject: `Votre demande de carte a été validée${INSTITUTION_SUFFIX}`,
      body: `{{#virtual}}Votre demande de carte virtuelle a été validée par le bureau des cartes. Nous vous écrirons dès qu’elle sera activée.{{/virtual}}

{{^virtual}}Votre demande de carte a été validée par le bureau des cartes. Elle va maintenant être imprimée\u202f; nous vous écrirons dès qu’elle sera prête.{{/virtual}}

Vous pouvez suivre votre demande dans votre espace personnel\u00a0: {{link}}`,
    },
    request_rejected: {
      subject: `Votre demande de carte n’a pas été acceptée${INSTITUTION_SUFFIX}`,
      body: `Le bureau des cartes n’a pas pu accepter votre demande de carte.

{{#reason}}Motif\u00a0: {{reason}}{{/reason}}

Vous pouvez faire une nouvelle demande, en corrigeant ce qui est indiqué (par exemple une nouvelle photo), depuis votre espace personnel\u00a0: {{link}}`,
    },
    card_ready: {
      subject: `{{#virtual}}Votre carte virtuelle est activée{{/virtual}}{{^virtual}}Votre carte est prête{{/virtual}}${INSTITUTION_SUFFIX}`,
      body: `{{#virtual}}Votre carte virtuelle est activée\u00a0: vous pouvez l’utiliser dès maintenant.

Vous la trouverez dans votre espace personnel\u00a0: {{link}}{{/virtual}}

{{^virtual}}Votre carte est imprimée et encodée\u00a0: elle est prête. Vous pouvez la retirer au bureau des cartes (ou elle vous sera remise à l’adresse de livraison que vous avez indiquée).

Votre espace personnel\u00a0: {{link}}{{/virtual}}`,
    },
    card_disabled: {
      subject: `Votre carte a été suspendue${INSTITUTION_SUFFIX}`,
      body: `Votre carte a été suspendue et ne fonctionne plus.

{{#reason}}Motif\u00a0: {{reason}}{{/reason}}

{{#comment}}Commentaire du bureau des cartes\u00a0: {{comment}}{{/comment}}

{{advice}}

Votre espace personnel\u00a0: {{link}}`,
    },
    card_enabled: {
      subject: `Votre carte est activée${INSTITUTION_SUFFIX}`,
      body: `{{#virtual}}Votre carte virtuelle est activée\u00a0: vous pouvez l’utiliser dès maintenant.{{/virtual}}

{{^virtual}}Votre carte est activée\u00a0: vous pouvez l’utiliser dès maintenant.{{/virtual}}

Votre espace personnel\u00a0: {{link}}`,
    },
  },
  en: {
    request_checked: {
      subject: `Your card request has been approved${INSTITUTION_SUFFIX}`,
      body: `{{#virtual}}The card office has approved your request for a virtual card. We will write to you as soon as it is enabled.{{/virtual}}

{{^virtual}}The card office has approved your card request. Your card will now be printed; we will write to you as soon as it is ready.{{/virtual}}

You can follow your request in your self-service space: {{link}}`,
    },
    request_rejected: {
      subject: `Your card request was not accepted${INSTITUTION_SUFFIX}`,
      body: `The card office could not accept your card request.

{{#reason}}Reason: {{reason}}{{/reason}}

You can make a new request, fixing what is mentioned (a new photo, for instance), in your self-service space: {{link}}`,
    },
    card_ready: {
      subject: `{{#virtual}}Your virtual card is enabled{{/virtual}}{{^virtual}}Your card is ready{{/virtual}}${INSTITUTION_SUFFIX}`,
      body: `{{#virtual}}Your virtual card is enabled: you can use it right away.

You will find it in your self-service space: {{link}}{{/virtual}}

{{^virtual}}Your card has been printed and encoded: it is ready. You can collect it at the card office (or it will be delivered to the address you gave).

Your self-service space: {{link}}{{/virtual}}`,
    },
    card_disabled: {
      subject: `Your card has been disabled${INSTITUTION_SUFFIX}`,
      body: `Your card has been disabled and no longer works.

{{#reason}}Reason: {{reason}}{{/reason}}

{{#comment}}Comment from the card office: {{comment}}{{/comment}}

{{advice}}

Your self-service space: {{link}}`,
    },
    card_enabled: {
      subject: `Your card is enabled${INSTITUTION_SUFFIX}`,
      body: `{{#virtual}}Your virtual card is enabled: you can use it right away.{{/virtual}}

{{^virtual}}Your card is enabled: you can use it right away.{{/virtual}}

Your self-service space: {{link}}`,
    },
  },
};

/** The built-in subject and body of a template, as the editor shows them. */
export function defaultMailTemplate(template: MailTemplate, locale: MailLocale): TemplateSource {
  return DEFAULTS[locale][template];
}

const DISABLE_REASON_LABELS: Record<MailLocale, Record<string, string>> = {
  fr: {
    LOST: 'carte perdue',
    THEFT: 'carte volée',
    OUT_OF_ORDER: 'carte défectueuse',
    MANAGER: 'décision du bureau des cartes',
    REPLACED: 'remplacée par votre nouvelle carte',
    RIGHTS_ENDED: 'fin de vos droits',
  },
  en: {
    LOST: 'card lost',
    THEFT: 'card stolen',
    OUT_OF_ORDER: 'card out of order',
    MANAGER: 'decision of the card office',
    REPLACED: 'replaced by your new card',
    RIGHTS_ENDED: 'your rights have ended',
  },
};

/** What the holder can do about a disabled card, which depends on the reason and on who set it. */
type DisableAdvice = 'replaced' | 'rights' | 'office' | 'self_reenable' | 'new_card';

function disableAdvice(data: MailData): DisableAdvice {
  const reason = oneLine(data.reason);
  if (reason === 'REPLACED') return 'replaced';
  if (reason === 'RIGHTS_ENDED') return 'rights';
  if (reason === 'MANAGER' || data.disabledBy === 'manager') return 'office';
  if (reason === 'OUT_OF_ORDER') return 'new_card';
  // Only a holder who disabled the card themselves may enable it again: unknown means ask the office.
  if ((reason === 'LOST' || reason === 'THEFT') && data.disabledBy === 'self') return 'self_reenable';
  return 'office';
}

const ADVICE: Record<MailLocale, Record<DisableAdvice, string>> = {
  fr: {
    replaced: 'Votre nouvelle carte la remplace\u00a0: vous n’avez rien à faire.',
    rights: 'Elle pourra être réactivée si vos droits sont prolongés. Si vous pensez qu’il s’agit d’une erreur, contactez le bureau des cartes.',
    office: 'Pour la faire réactiver ou obtenir une nouvelle carte, contactez le bureau des cartes.',
    self_reenable: 'Si vous la retrouvez, vous pouvez la réactiver vous-même depuis votre espace personnel. Sinon, demandez-y une nouvelle carte ou adressez-vous au bureau des cartes.',
    new_card: 'Vous pouvez demander une nouvelle carte depuis votre espace personnel ou auprès du bureau des cartes.',
  },
  en: {
    replaced: 'Your new card replaces it: there is nothing for you to do.',
    rights: 'It can be enabled again if your rights are extended. If you think this is a mistake, please contact the card office.',
    office: 'To have it enabled again or to get a new card, please contact the card office.',
    self_reenable: 'If you find it, you can enable it again yourself in your self-service space. Otherwise, request a new card there or ask the card office.',
    new_card: 'You can request a new card in your self-service space or at the card office.',
  },
};

const WORDING: Record<MailLocale, {
  greeting: (firstName: string) => string;
  signature: (institution: string) => string;
  automatic: string;
}> = {
  fr: {
    greeting: (firstName) => (firstName ? `Bonjour ${firstName},` : 'Bonjour,'),
    signature: (institution) => (institution ? `Le bureau des cartes – ${institution}` : 'Le bureau des cartes'),
    automatic: 'Ce message est envoyé automatiquement\u202f; merci de ne pas y répondre.',
  },
  en: {
    greeting: (firstName) => (firstName ? `Hello ${firstName},` : 'Hello,'),
    signature: (institution) => (institution ? `The card office – ${institution}` : 'The card office'),
    automatic: 'This message was sent automatically; please do not reply.',
  },
};

/** The values and flags a template is rendered with, each on one line. */
function scopeOf(template: MailTemplate, locale: MailLocale, data: MailData): RenderScope {
  const reason = oneLine(data.reason);
  const disabled = template === 'card_disabled';
  return {
    values: {
      firstName: oneLine(data.firstName),
      institutionName: oneLine(data.institutionName),
      link: oneLine(data.selfServiceUrl),
      reason: disabled ? DISABLE_REASON_LABELS[locale][reason] ?? reason : reason,
      comment: oneLine(data.comment),
      advice: disabled ? ADVICE[locale][disableAdvice(data)] : '',
    },
    flags: { virtual: data.cardKind === 'virtual' },
    linkName: 'link',
  };
}

/**
 * Checks an edited subject and body against the template's placeholders: every problem of both
 * parts, each naming its part; an empty list means the template can be saved and rendered.
 */
export function validateMailTemplate(template: MailTemplate, source: TemplateSource): MailTemplateProblem[] {
  const grammar = grammarOf(template);
  const subject = parseSubject(source.subject, grammar);
  const body = parseBody(source.body, grammar);
  return [
    ...(subject.ok ? [] : subject.problems.map((problem) => ({ field: 'subject' as const, code: problem.code, message: problem.message }))),
    ...(body.ok ? [] : body.problems.map((problem) => ({ field: 'body' as const, code: problem.code, message: problem.message }))),
  ];
}

function parsed(template: MailTemplate, source: TemplateSource): { subject: TemplateNode[]; body: TemplateNode[] } {
  const grammar = grammarOf(template);
  const subject = parseSubject(source.subject, grammar);
  const body = parseBody(source.body, grammar);
  if (!subject.ok || !body.ok) throw new RangeError(`invalid ${template} template; validate it with validateMailTemplate first`);
  return { subject: subject.nodes, body: body.nodes };
}

/**
 * Renders one mail, with the built-in text or with `source` (an admin's override, which must pass
 * {@link validateMailTemplate}: a RangeError otherwise). The subject is a single line; the text
 * body has one paragraph per block, separated by blank lines; the HTML body is a complete
 * document whose only markup comes from the layout (paragraphs, line breaks, the link).
 */
export function renderMail(template: MailTemplate, locale: MailLocale, data: MailData, source?: TemplateSource): RenderedMail {
  const wording = WORDING[locale];
  const scope = scopeOf(template, locale, data);
  const nodes = parsed(template, source ?? DEFAULTS[locale][template]);
  const subject = renderSubject(renderSegments(nodes.subject, scope));
  const institution = scope.values.institutionName ?? '';
  const plain = (text: string): Paragraph => ({ text, html: escapeHtml(text) });
  const paragraphs = [
    plain(wording.greeting(scope.values.firstName ?? '')),
    ...renderParagraphs(renderSegments(nodes.body, scope)),
    plain(wording.signature(institution)),
  ];
  const text = [...paragraphs.map((paragraph) => paragraph.text), '--', wording.automatic].join('\n\n') + '\n';
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${locale}">`,
    '<head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; color: #111827;">',
    ...paragraphs.map((paragraph) => `<p>${paragraph.html}</p>`),
    `<p style="color: #6b7280; font-size: 0.875em;">${escapeHtml(wording.automatic)}</p>`,
    '</body>',
    '</html>',
  ].join('\n') + '\n';
  return { subject, text, html };
}

const SAMPLE_REJECT_REASON: Record<MailLocale, string> = { fr: 'La photo est floue.', en: 'The photo is blurry.' };
const SAMPLE_COMMENT: Record<MailLocale, string> = { fr: 'Carte prêtée à une autre personne.', en: 'Card lent to someone else.' };

/**
 * Example data for previewing a template: every optional value filled in, so that every section
 * shows (a card disabled by the office, with a comment; a request rejected with a reason).
 */
export function sampleMailData(template: MailTemplate, locale: MailLocale, options: {
  institutionName: string; selfServiceUrl: string; cardKind: 'physical' | 'virtual';
}): MailData {
  const base: MailData = { firstName: 'Camille', institutionName: options.institutionName, selfServiceUrl: options.selfServiceUrl, cardKind: options.cardKind };
  if (template === 'request_rejected') return { ...base, reason: SAMPLE_REJECT_REASON[locale] };
  if (template === 'card_disabled') return { ...base, reason: 'MANAGER', comment: SAMPLE_COMMENT[locale], disabledBy: 'manager' };
  return base;
}
