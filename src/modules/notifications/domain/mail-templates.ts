/**
 * The mails a person receives when their card request or card moves in a way that matters to
 * them, in French (the default) and English: subject, plain text and HTML.
 *
 * Every interpolated value is escaped in the HTML body (a first name like `<script>` stays text)
 * and stripped of line breaks in the subject (no header injection). Pure: no I/O, no clock.
 */

export const MAIL_TEMPLATES = ['request_checked', 'request_rejected', 'card_ready', 'card_disabled', 'card_enabled'] as const;

export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

export const MAIL_LOCALES = ['fr', 'en'] as const;

export type MailLocale = (typeof MAIL_LOCALES)[number];

export const DEFAULT_MAIL_LOCALE: MailLocale = 'fr';

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
   * RIGHTS_ENDED); an unknown value is shown as written.
   */
  reason?: string | null | undefined;
  /** `card_disabled` with reason MANAGER: the manager's comment, shown as written. */
  comment?: string | null | undefined;
  /** `card_disabled`: who set the reason; a holder may re-enable only a card they disabled themselves. */
  disabledBy?: 'self' | 'manager' | 'system' | null | undefined;
}

/** A mail ready to be stored and sent. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Narrows an untrusted string (query string, effect code) to a template name. */
export function isMailTemplate(value: unknown): value is MailTemplate {
  return typeof value === 'string' && (MAIL_TEMPLATES as readonly string[]).includes(value);
}

/**
 * The locale of a mail: the person's preference when it names French or English (`en`,
 * `en-GB`, `EN_us`…), French otherwise (unknown, missing, or a language we do not write).
 */
export function chooseLocale(preference: string | null | undefined): MailLocale {
  const language = preference?.trim().toLowerCase().split(/[-_]/)[0];
  return language === 'en' ? 'en' : language === 'fr' ? 'fr' : DEFAULT_MAIL_LOCALE;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] as string);
}

/** A piece of a mail body, in both forms. */
interface Fragment {
  text: string;
  html: string;
}

/** Builds a paragraph: literal parts are trusted, string values are escaped, fragments kept as built. */
function p(strings: TemplateStringsArray, ...values: Array<string | Fragment>): Fragment {
  let text = strings[0] ?? '';
  let html = escapeHtml(strings[0] ?? '');
  values.forEach((value, index) => {
    const literal = strings[index + 1] ?? '';
    text += (typeof value === 'string' ? value : value.text) + literal;
    html += (typeof value === 'string' ? escapeHtml(value) : value.html) + escapeHtml(literal);
  });
  return { text, html };
}

function link(url: string): Fragment {
  return { text: url, html: `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` };
}

/** Values shown inline: no line breaks (they would break the text layout or a subject header). */
function oneLine(value: string | null | undefined): string {
  return (value ?? '').replace(/[\r\n\t\u2028\u2029]+/g, ' ').replace(/\s{2,}/g, ' ').trim();
}

interface Built {
  subject: string;
  paragraphs: Fragment[];
}

interface Context {
  data: MailData;
  virtual: boolean;
  url: Fragment;
}

const DISABLE_REASON_LABELS: Record<MailLocale, Record<string, string>> = {
  fr: {
    LOST: 'carte perdue',
    THEFT: 'carte volée',
    OUT_OF_ORDER: 'carte défectueuse',
    MANAGER: 'décision du service des cartes',
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
  const reason = data.reason ?? '';
  if (reason === 'REPLACED') return 'replaced';
  if (reason === 'RIGHTS_ENDED') return 'rights';
  if (reason === 'MANAGER' || data.disabledBy === 'manager') return 'office';
  if (reason === 'OUT_OF_ORDER') return 'new_card';
  // Only a holder who disabled the card themselves may enable it again: unknown means ask the office.
  if ((reason === 'LOST' || reason === 'THEFT') && data.disabledBy === 'self') return 'self_reenable';
  return 'office';
}

const FRENCH: Record<MailTemplate, (c: Context) => Built> = {
  request_checked: (c) => ({
    subject: `Votre demande de carte a été validée`,
    paragraphs: [
      c.virtual
        ? p`Votre demande de carte virtuelle a été validée par le service des cartes. Nous vous écrirons dès qu’elle sera activée.`
        : p`Votre demande de carte a été validée par le service des cartes. Elle va maintenant être imprimée ; nous vous écrirons dès qu’elle sera prête.`,
      p`Vous pouvez suivre votre demande dans votre espace personnel : ${c.url}`,
    ],
  }),
  request_rejected: (c) => {
    const reason = oneLine(c.data.reason);
    return {
      subject: `Votre demande de carte n’a pas été acceptée`,
      paragraphs: [
        p`Le service des cartes n’a pas pu accepter votre demande de carte.`,
        ...(reason ? [p`Motif : ${reason}`] : []),
        p`Vous pouvez faire une nouvelle demande, en corrigeant ce qui est indiqué (par exemple une nouvelle photo), depuis votre espace personnel : ${c.url}`,
      ],
    };
  },
  card_ready: (c) => ({
    subject: c.virtual ? `Votre carte virtuelle est activée` : `Votre carte est prête`,
    paragraphs: c.virtual
      ? [
          p`Votre carte virtuelle est activée : vous pouvez l’utiliser dès maintenant.`,
          p`Vous la trouverez dans votre espace personnel : ${c.url}`,
        ]
      : [
          p`Votre carte est imprimée et encodée : elle est prête. Vous pouvez la retirer au service des cartes (ou elle vous sera remise à l’adresse de livraison que vous avez indiquée).`,
          p`Votre espace personnel : ${c.url}`,
        ],
  }),
  card_disabled: (c) => {
    const code = oneLine(c.data.reason);
    const label = DISABLE_REASON_LABELS.fr[code] ?? code;
    const comment = oneLine(c.data.comment);
    const advice: Record<DisableAdvice, Fragment> = {
      replaced: p`Votre nouvelle carte la remplace : vous n’avez rien à faire.`,
      rights: p`Elle pourra être réactivée si vos droits sont prolongés. Si vous pensez qu’il s’agit d’une erreur, contactez le service des cartes.`,
      office: p`Pour la faire réactiver ou obtenir une nouvelle carte, contactez le service des cartes.`,
      self_reenable: p`Si vous la retrouvez, vous pouvez la réactiver vous-même depuis votre espace personnel. Sinon, demandez-y une nouvelle carte ou adressez-vous au service des cartes.`,
      new_card: p`Vous pouvez demander une nouvelle carte depuis votre espace personnel ou auprès du service des cartes.`,
    };
    return {
      subject: `Votre carte a été désactivée`,
      paragraphs: [
        p`Votre carte a été désactivée et ne fonctionne plus.`,
        ...(label ? [p`Motif : ${label}`] : []),
        ...(comment ? [p`Commentaire du service des cartes : ${comment}`] : []),
        advice[disableAdvice(c.data)],
        p`Votre espace personnel : ${c.url}`,
      ],
    };
  },
  card_enabled: (c) => ({
    subject: `Votre carte est activée`,
    paragraphs: [
      c.virtual
        ? p`Votre carte virtuelle est activée : vous pouvez l’utiliser dès maintenant.`
        : p`Votre carte est activée : vous pouvez l’utiliser dès maintenant.`,
      p`Votre espace personnel : ${c.url}`,
    ],
  }),
};

const ENGLISH: Record<MailTemplate, (c: Context) => Built> = {
  request_checked: (c) => ({
    subject: `Your card request has been approved`,
    paragraphs: [
      c.virtual
        ? p`The card office has approved your request for a virtual card. We will write to you as soon as it is enabled.`
        : p`The card office has approved your card request. Your card will now be printed; we will write to you as soon as it is ready.`,
      p`You can follow your request in your self-service space: ${c.url}`,
    ],
  }),
  request_rejected: (c) => {
    const reason = oneLine(c.data.reason);
    return {
      subject: `Your card request was not accepted`,
      paragraphs: [
        p`The card office could not accept your card request.`,
        ...(reason ? [p`Reason: ${reason}`] : []),
        p`You can make a new request, fixing what is mentioned (a new photo, for instance), in your self-service space: ${c.url}`,
      ],
    };
  },
  card_ready: (c) => ({
    subject: c.virtual ? `Your virtual card is enabled` : `Your card is ready`,
    paragraphs: c.virtual
      ? [
          p`Your virtual card is enabled: you can use it right away.`,
          p`You will find it in your self-service space: ${c.url}`,
        ]
      : [
          p`Your card has been printed and encoded: it is ready. You can collect it at the card office (or it will be delivered to the address you gave).`,
          p`Your self-service space: ${c.url}`,
        ],
  }),
  card_disabled: (c) => {
    const code = oneLine(c.data.reason);
    const label = DISABLE_REASON_LABELS.en[code] ?? code;
    const comment = oneLine(c.data.comment);
    const advice: Record<DisableAdvice, Fragment> = {
      replaced: p`Your new card replaces it: there is nothing for you to do.`,
      rights: p`It can be enabled again if your rights are extended. If you think this is a mistake, please contact the card office.`,
      office: p`To have it enabled again or to get a new card, please contact the card office.`,
      self_reenable: p`If you find it, you can enable it again yourself in your self-service space. Otherwise, request a new card there or ask the card office.`,
      new_card: p`You can request a new card in your self-service space or at the card office.`,
    };
    return {
      subject: `Your card has been disabled`,
      paragraphs: [
        p`Your card has been disabled and no longer works.`,
        ...(label ? [p`Reason: ${label}`] : []),
        ...(comment ? [p`Comment from the card office: ${comment}`] : []),
        advice[disableAdvice(c.data)],
        p`Your self-service space: ${c.url}`,
      ],
    };
  },
  card_enabled: (c) => ({
    subject: `Your card is enabled`,
    paragraphs: [
      c.virtual
        ? p`Your virtual card is enabled: you can use it right away.`
        : p`Your card is enabled: you can use it right away.`,
      p`Your self-service space: ${c.url}`,
    ],
  }),
};

const WORDING: Record<MailLocale, {
  templates: Record<MailTemplate, (c: Context) => Built>;
  greeting: (firstName: string) => Fragment;
  signature: (institution: string) => Fragment;
  automatic: string;
}> = {
  fr: {
    templates: FRENCH,
    greeting: (firstName) => (firstName ? p`Bonjour ${firstName},` : p`Bonjour,`),
    signature: (institution) => (institution ? p`Le service des cartes – ${institution}` : p`Le service des cartes`),
    automatic: 'Ce message est envoyé automatiquement ; merci de ne pas y répondre.',
  },
  en: {
    templates: ENGLISH,
    greeting: (firstName) => (firstName ? p`Hello ${firstName},` : p`Hello,`),
    signature: (institution) => (institution ? p`The card office – ${institution}` : p`The card office`),
    automatic: 'This message was sent automatically; please do not reply.',
  },
};

/**
 * Renders one mail. The subject is a single line; the text body has one paragraph per block,
 * separated by blank lines; the HTML body is a complete document with every value escaped.
 */
export function renderMail(template: MailTemplate, locale: MailLocale, data: MailData): RenderedMail {
  const wording = WORDING[locale];
  const institution = oneLine(data.institutionName);
  const context: Context = { data, virtual: data.cardKind === 'virtual', url: link(oneLine(data.selfServiceUrl)) };
  const built = wording.templates[template](context);
  const paragraphs = [wording.greeting(oneLine(data.firstName)), ...built.paragraphs, wording.signature(institution)];
  const subject = institution ? `${built.subject} – ${institution}` : built.subject;
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
