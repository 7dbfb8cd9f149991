import type { Executor } from '../../platform/db/database.ts';
import { sql } from 'kysely';
import type { MailLocale, MailTemplate } from './domain/mail-templates.ts';

export type MailStatus = 'queued' | 'sent' | 'stored' | 'failed';

/** A row of `mails`. */
export interface MailRow {
  id: string;
  personId: string | null;
  toAddress: string;
  locale: MailLocale;
  template: string;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  status: MailStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

const MAIL_COLUMNS = ['id', 'personId', 'toAddress', 'locale', 'template', 'subject', 'bodyText', 'bodyHtml', 'status',
  'attempts', 'lastError', 'createdAt', 'sentAt'] as const;

export interface NewMail {
  personId: string | null;
  toAddress: string;
  locale: MailLocale;
  template: string;
  subject: string;
  bodyText: string;
  bodyHtml: string;
}

/** Inserts a queued mail. */
export async function insertMail(db: Executor, mail: NewMail): Promise<MailRow> {
  return db.insertInto('mails').values(mail).returning(MAIL_COLUMNS).executeTakeFirstOrThrow() as Promise<MailRow>;
}

/** Finds a mail by id. */
export async function findMail(db: Executor, id: string): Promise<MailRow | undefined> {
  return db.selectFrom('mails').select(MAIL_COLUMNS).where('id', '=', id).executeTakeFirst() as Promise<MailRow | undefined>;
}

export interface MailFilter {
  personId?: string | undefined;
  status?: MailStatus | undefined;
  template?: string | undefined;
  limit: number;
  offset?: number | undefined;
}

/** Lists mails, newest first. */
export async function listMails(db: Executor, filter: MailFilter): Promise<MailRow[]> {
  let query = db.selectFrom('mails').select(MAIL_COLUMNS);
  if (filter.personId !== undefined) query = query.where('personId', '=', filter.personId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.template !== undefined) query = query.where('template', '=', filter.template);
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(filter.limit).offset(filter.offset ?? 0)
    .execute() as Promise<MailRow[]>;
}

/**
 * Claims one sending attempt: counts it, only if the mail is still queued and nobody else
 * counted the attempt `seenAttempts` first. Two deliveries of the same job racing each other
 * read the same count; only one of them gets the row back.
 */
export async function claimAttempt(db: Executor, id: string, seenAttempts: number): Promise<MailRow | undefined> {
  return db.updateTable('mails').set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id).where('status', '=', 'queued').where('attempts', '=', seenAttempts)
    .returning(MAIL_COLUMNS).executeTakeFirst() as Promise<MailRow | undefined>;
}

/** Records the outcome of a queued mail; a mail that left `queued` is never changed again. */
export async function finishMail(
  db: Executor,
  id: string,
  outcome: { status: MailStatus; sentAt?: Date | null; lastError?: string | null },
): Promise<MailRow | undefined> {
  return db.updateTable('mails').set({
    status: outcome.status,
    ...(outcome.sentAt !== undefined ? { sentAt: outcome.sentAt } : {}),
    ...(outcome.lastError !== undefined ? { lastError: outcome.lastError } : {}),
  }).where('id', '=', id).where('status', '=', 'queued')
    .returning(MAIL_COLUMNS).executeTakeFirst() as Promise<MailRow | undefined>;
}

/** Stores the error of an attempt that will be tried again. */
export async function recordError(db: Executor, id: string, lastError: string): Promise<void> {
  await db.updateTable('mails').set({ lastError }).where('id', '=', id).where('status', '=', 'queued').execute();
}

/** An admin's override of one template in one locale. */
export interface TemplateOverrideRow {
  template: string;
  locale: MailLocale;
  subject: string;
  body: string;
  updatedAt: Date;
  updatedBy: string;
}

const OVERRIDE_COLUMNS = ['template', 'locale', 'subject', 'body', 'updatedAt', 'updatedBy'] as const;

/** Every stored override. */
export async function listTemplateOverrides(db: Executor): Promise<TemplateOverrideRow[]> {
  return db.selectFrom('mailTemplateOverrides').select(OVERRIDE_COLUMNS).orderBy('template').orderBy('locale')
    .execute() as Promise<TemplateOverrideRow[]>;
}

/** The override of a template in a locale, if an admin saved one. */
export async function findTemplateOverride(db: Executor, template: MailTemplate, locale: MailLocale): Promise<TemplateOverrideRow | undefined> {
  return db.selectFrom('mailTemplateOverrides').select(OVERRIDE_COLUMNS).where('template', '=', template).where('locale', '=', locale)
    .executeTakeFirst() as Promise<TemplateOverrideRow | undefined>;
}

/** Creates or replaces the override of a template in a locale. */
export async function upsertTemplateOverride(
  db: Executor,
  value: { template: MailTemplate; locale: MailLocale; subject: string; body: string; updatedBy: string },
): Promise<TemplateOverrideRow> {
  return db.insertInto('mailTemplateOverrides').values(value)
    .onConflict((oc) => oc.columns(['template', 'locale']).doUpdateSet({
      subject: value.subject, body: value.body, updatedBy: value.updatedBy, updatedAt: sql<Date>`now()`,
    }))
    .returning(OVERRIDE_COLUMNS).executeTakeFirstOrThrow() as Promise<TemplateOverrideRow>;
}

/** Removes the override of a template in a locale; true when there was one. */
export async function deleteTemplateOverride(db: Executor, template: MailTemplate, locale: MailLocale): Promise<boolean> {
  const result = await db.deleteFrom('mailTemplateOverrides').where('template', '=', template).where('locale', '=', locale).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
