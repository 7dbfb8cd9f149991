import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/platform.tables.ts';

export interface MailsTable {
  id: Generated<string>;
  personId: string | null;
  /** The institution whose card or enrolment caused the mail; null: about no institution (account mails). */
  institutionId: number | null;
  toAddress: string;
  locale: 'fr' | 'en';
  template: string;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  status: Generated<'queued' | 'sent' | 'stored' | 'failed'>;
  attempts: Generated<number>;
  lastError: string | null;
  createdAt: Generated<Date>;
  sentAt: Timestamp | null;
}

/** An admin's rewrite of one template in one locale (template language source). */
export interface MailTemplateOverridesTable {
  id: Generated<string>;
  /** The institution whose mails use it; null: the deployment-wide override, used where an institution has none. */
  institutionId: number | null;
  template: string;
  locale: 'fr' | 'en';
  subject: string;
  body: string;
  updatedAt: Generated<Date>;
  /** The audit actor who saved it (`account:<id>`, `token:<id>`). */
  updatedBy: string;
}

export interface NotificationsTables {
  mails: MailsTable;
  mailTemplateOverrides: MailTemplateOverridesTable;
}
