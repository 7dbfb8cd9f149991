import type { Executor } from '../../platform/db/database.ts';
import { sql } from 'kysely';
import { inScope, type AccessScope } from '../../platform/db/scope-filter.ts';
import type { MailLocale, MailTemplate } from './domain/mail-templates.ts';

export type MailStatus = 'queued' | 'sent' | 'stored' | 'failed';

/** A row of `mails`. */
export interface MailRow {
  id: string;
  personId: string | null;
  institutionId: number | null;
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

const MAIL_COLUMNS = ['id', 'personId', 'institutionId', 'toAddress', 'locale', 'template', 'subject', 'bodyText', 'bodyHtml', 'status',
  'attempts', 'lastError', 'createdAt', 'sentAt'] as const;

export interface NewMail {
  personId: string | null;
  institutionId: number | null;
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

/** Inserts many mails in one statement; answers them in the given order. */
export async function insertMails(db: Executor, mails: readonly NewMail[]): Promise<MailRow[]> {
  if (mails.length === 0) return [];
  return db.insertInto('mails').values([...mails]).returning(MAIL_COLUMNS).execute() as Promise<MailRow[]>;
}

/** The condition "this mail lies in `scope`": a mail of no institution only for callers limited to none. */
const mailInScope = (scope: AccessScope) => inScope(scope, { institution: 'mails.institution_id' });

/** Finds a mail by id, within `scope` (a mail outside it is not found). */
export async function findMail(db: Executor, id: string, scope: AccessScope): Promise<MailRow | undefined> {
  return db.selectFrom('mails').select(MAIL_COLUMNS).where('id', '=', id).where(mailInScope(scope))
    .executeTakeFirst() as Promise<MailRow | undefined>;
}

export interface MailFilter {
  /** What the caller may read: the condition runs in the query, so pages hold only mails in scope. */
  scope: AccessScope;
  personId?: string | undefined;
  status?: MailStatus | undefined;
  template?: string | undefined;
  limit: number;
  offset?: number | undefined;
}

/** Lists mails in the filter's scope, newest first. */
export async function listMails(db: Executor, filter: MailFilter): Promise<MailRow[]> {
  let query = db.selectFrom('mails').select(MAIL_COLUMNS).where(mailInScope(filter.scope));
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

/**
 * Where an override applies: one institution's mails, or (null) the whole deployment, whose
 * override a mail uses when its institution has none.
 */
export type OverrideLevel = number | null;

/** An admin's override of one template in one locale, at one level. */
export interface TemplateOverrideRow {
  institutionId: OverrideLevel;
  template: string;
  locale: MailLocale;
  subject: string;
  body: string;
  updatedAt: Date;
  updatedBy: string;
}

const OVERRIDE_COLUMNS = ['institutionId', 'template', 'locale', 'subject', 'body', 'updatedAt', 'updatedBy'] as const;

/** `institution_id` is this level (IS NULL for the deployment-wide one). */
const atLevel = (level: OverrideLevel) => (level === null
  ? sql<boolean>`mail_template_overrides.institution_id IS NULL`
  : sql<boolean>`mail_template_overrides.institution_id = ${level}`);

/** The overrides stored at these levels (the deployment-wide one: null). */
export async function listTemplateOverrides(db: Executor, levels: readonly OverrideLevel[]): Promise<TemplateOverrideRow[]> {
  if (levels.length === 0) return [];
  return db.selectFrom('mailTemplateOverrides').select(OVERRIDE_COLUMNS)
    .where(({ or }) => or(levels.map((level) => atLevel(level))))
    .orderBy('template').orderBy('locale')
    .execute() as Promise<TemplateOverrideRow[]>;
}

/**
 * The override a mail of this institution uses for a template in a locale: the institution's own,
 * else its federation's (the institution it belongs to), else the deployment-wide one (null
 * institution: the deployment-wide one only).
 */
export async function findApplicableOverride(db: Executor, institutionId: OverrideLevel, template: MailTemplate, locale: MailLocale): Promise<TemplateOverrideRow | undefined> {
  let query = db.selectFrom('mailTemplateOverrides').select(OVERRIDE_COLUMNS).where('template', '=', template).where('locale', '=', locale);
  if (institutionId === null) return query.where(atLevel(null)).executeTakeFirst() as Promise<TemplateOverrideRow | undefined>;
  const parent = sql<number>`(SELECT parent_id FROM institutions WHERE id = ${institutionId})`;
  query = query.where(sql<boolean>`(mail_template_overrides.institution_id IS NULL OR mail_template_overrides.institution_id = ${institutionId}
    OR mail_template_overrides.institution_id = ${parent})`);
  return query.orderBy(sql`CASE WHEN mail_template_overrides.institution_id = ${institutionId} THEN 0
    WHEN mail_template_overrides.institution_id IS NULL THEN 2 ELSE 1 END`).limit(1)
    .executeTakeFirst() as Promise<TemplateOverrideRow | undefined>;
}

/** Creates or replaces the override of a template in a locale at a level. */
export async function upsertTemplateOverride(
  db: Executor,
  value: { institutionId: OverrideLevel; template: MailTemplate; locale: MailLocale; subject: string; body: string; updatedBy: string },
): Promise<TemplateOverrideRow> {
  return db.insertInto('mailTemplateOverrides').values(value)
    .onConflict((oc) => oc.columns(['institutionId', 'template', 'locale']).doUpdateSet({
      subject: value.subject, body: value.body, updatedBy: value.updatedBy, updatedAt: sql<Date>`now()`,
    }))
    .returning(OVERRIDE_COLUMNS).executeTakeFirstOrThrow() as Promise<TemplateOverrideRow>;
}

/** Removes the override of a template in a locale at a level; true when there was one. */
export async function deleteTemplateOverride(db: Executor, level: OverrideLevel, template: MailTemplate, locale: MailLocale): Promise<boolean> {
  const result = await db.deleteFrom('mailTemplateOverrides').where('template', '=', template).where('locale', '=', locale)
    .where(atLevel(level)).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
