import { api } from './api-client.ts';
import type { BodyOf, ItemOf, ResponseOf } from './api-types.ts';

/** One template in one locale, with its default and the admins' override (null: none). */
export type MailTemplate = ItemOf<ResponseOf<'/api/v1/mail-templates', 'get'>['items']>;
export type MailTemplateName = MailTemplate['template'];
export type MailLocale = MailTemplate['locale'];
/** A subject and body in the template language. */
export type TemplateSource = BodyOf<'/api/v1/mail-templates/{template}/{locale}', 'put'>;
type PreviewInput = BodyOf<'/api/v1/mail-templates/{template}/{locale}/preview', 'post'>;
/** A mail as it would be sent. */
export type RenderedMail = ResponseOf<'/api/v1/mail-templates/{template}/{locale}/preview', 'post'>;

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
  preview(template: MailTemplateName, locale: MailLocale, source: PreviewInput, signal?: AbortSignal): Promise<RenderedMail> {
    return api<RenderedMail>(`${path(template, locale)}/preview`, { method: 'POST', body: source, ...(signal ? { signal } : {}) });
  },
};
