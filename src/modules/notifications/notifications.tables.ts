import type { Generated } from 'kysely';
import type { Timestamp } from '../../platform/db/platform.tables.ts';

export interface MailsTable {
  id: Generated<string>;
  personId: string | null;
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

export interface NotificationsTables {
  mails: MailsTable;
}
