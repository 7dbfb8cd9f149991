import { api } from './api-client.ts';

export type MailTemplateName = 'request_checked' | 'request_rejected' | 'card_ready' | 'card_disabled' | 'card_enabled';
export type MailLocale = 'fr' | 'en';

/** A subject and body in the template language. */
export interface TemplateSource {
  subject: string;
  body: string;
}

/** One template in one locale (src/modules/notifications/mail-templates.routes.ts). */
export interface MailTemplate {
  template: MailTemplateName;
  locale: MailLocale;
  placeholders: string[];
  flags: string[];
  default: TemplateSource;
  override: (TemplateSource & { updatedAt: string; updatedBy: string }) | null;
}

/** A mail as it would be sent. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const path = (template: MailTemplateName, locale: MailLocale) => `/mail-templates/${template}/${locale}`;

/** The mail templates admins edit. */
export const mailTemplatesApi = {
  list(signal?: AbortSignal): Promise<MailTemplate[]> {
    return api<{ items: MailTemplate[] }>('/mail-templates', signal ? { signal } : {}).then((answer) => answer.items);
  },
  save(template: MailTemplateName, locale: MailLocale, source: TemplateSource): Promise<MailTemplate> {
    return api<MailTemplate>(path(template, locale), { method: 'PUT', body: source });
  },
  reset(template: MailTemplateName, locale: MailLocale): Promise<MailTemplate> {
    return api<MailTemplate>(path(template, locale), { method: 'DELETE' });
  },
  /** Renders an unsaved subject and body with sample data. */
  preview(template: MailTemplateName, locale: MailLocale, source: TemplateSource & { cardKind: 'physical' | 'virtual' }, signal?: AbortSignal): Promise<RenderedMail> {
    return api<RenderedMail>(`${path(template, locale)}/preview`, { method: 'POST', body: source, ...(signal ? { signal } : {}) });
  },
};
