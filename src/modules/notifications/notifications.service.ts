import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { badRequest, notFound } from '../../platform/http/problem.ts';
import { QUEUES, type JobQueue } from '../../platform/jobs/job-queue.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import { createSmtpClient, toSmtpError, type SmtpClient } from '../../adapters/smtp/smtp.client.ts';
import { normalizeTemplateSource } from './domain/mail-template-language.ts';
import {
  chooseLocale, defaultMailTemplate, MAIL_FLAGS, MAIL_LOCALES, MAIL_TEMPLATES, renderMail, sampleMailData, TEMPLATE_PLACEHOLDERS,
  validateMailTemplate, type MailData, type MailLocale, type MailPlaceholder, type MailTemplate, type RenderedMail, type TemplateSource,
} from './domain/mail-templates.ts';
import * as repo from './notifications.repository.ts';
import type { MailRow, MailStatus, OverrideLevel, TemplateOverrideRow } from './notifications.repository.ts';

export type { MailStatus, OverrideLevel } from './notifications.repository.ts';

/** Retries of the mail-send queue after the first attempt (pg-boss `retryLimit`). */
export const MAIL_SEND_RETRY_LIMIT = 5;
/** Attempts a mail gets before it is marked `failed`. */
export const MAIL_SEND_MAX_ATTEMPTS = MAIL_SEND_RETRY_LIMIT + 1;

/** What the caller knows about the person and the card; the link and (if omitted) the institution are added here. */
export interface NotifyData {
  firstName: string;
  /** Defaults to the name of the mail's institution (`NotifyInput.institutionId`). */
  institutionName?: string | null | undefined;
  cardKind?: 'physical' | 'virtual' | undefined;
  /** `request_rejected`: the manager's comment. `card_disabled`: the disable reason code. */
  reason?: string | null | undefined;
  /** `card_disabled` with reason MANAGER: the manager's comment. */
  comment?: string | null | undefined;
  /** `card_disabled`: who set the reason (tells whether the holder may re-enable the card). */
  disabledBy?: 'self' | 'manager' | 'system' | null | undefined;
}

export interface NotifyInput {
  personId: string | null;
  /**
   * The institution whose card or enrolment causes the mail: its managers see the mail, its
   * template overrides write it. Null or omitted: a mail about no institution (an account's own),
   * which only callers with no institution limit see.
   */
  institutionId?: number | null | undefined;
  /** The person's e-mail; without a usable one nothing is queued. */
  to: string | null | undefined;
  /** The person's preferred language if known (`fr`, `en`, `en-GB`…); French otherwise. */
  locale?: string | null | undefined;
  template: MailTemplate;
  data: NotifyData;
  /** Audit actor of the transaction `notify` opens when given the database rather than a transaction. */
  actor?: ActorContext | undefined;
}

/** A mail as the API shows it. */
export interface MailView {
  id: string;
  personId: string | null;
  /** The institution the mail is about; null: none. */
  institutionId: number | null;
  to: string;
  locale: MailLocale;
  template: string;
  subject: string;
  text: string;
  html: string;
  status: MailStatus;
  attempts: number;
  /** The last sending error, without addresses or secrets. */
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** An override as the editor sees it. */
export type OverrideView = TemplateSource & { updatedAt: string; updatedBy: string };

/**
 * One template in one locale as the editor sees it at one level (an institution, or the whole
 * deployment): the built-in text, the override at that level, what it may use.
 */
export interface MailTemplateView {
  template: MailTemplate;
  locale: MailLocale;
  /** The level the override belongs to: an institution id, or null for the deployment-wide one. */
  institutionId: OverrideLevel;
  /** Values the subject and body may insert (`{{name}}`) and test (`{{#name}}`). */
  placeholders: MailPlaceholder[];
  /** Names usable only as sections (`{{#virtual}}`). */
  flags: Array<(typeof MAIL_FLAGS)[number]>;
  default: TemplateSource;
  /** What mails of this level use instead of the default; null when there is none. */
  override: OverrideView | null;
  /**
   * At an institution's level: the deployment-wide override, which its mails use while it has
   * none of its own (null when there is none, and always at the deployment level).
   */
  deploymentOverride: OverrideView | null;
}

/** What one run of the sending job did. */
export type DeliveryOutcome = 'sent' | 'stored' | 'failed' | 'skipped';

export interface NotificationsServiceDeps {
  db: Kysely<Database>;
  jobs: Pick<JobQueue, 'send' | 'sendMany'>;
  config: Pick<Config, 'publicUrl' | 'smtpUrl' | 'mailFrom'>;
  now?: () => Date;
  logger?: Logger;
  /**
   * An institution's name (null: the deployment's, for deployment-wide previews), read with the
   * caller's executor (it may be a transaction).
   */
  institutionName?: (executor: Executor, institutionId: number | null) => Promise<string | undefined>;
  /** SMTP client; by default one for `config.smtpUrl`, none (stored mode) when that is unset. */
  smtp?: SmtpClient | null;
}

const SYSTEM_ACTOR: ActorContext = { actor: 'system:mail-send' };
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

function isTransaction(executor: Executor): executor is Transaction<Database> {
  return executor.isTransaction;
}

/** The address to write to, or null when there is none worth trying (empty, malformed, header tricks). */
function usableAddress(to: string | null | undefined): string | null {
  const address = to?.trim() ?? '';
  return address.length <= 320 && ADDRESS.test(address) ? address : null;
}

function overrideView(row: TemplateOverrideRow | undefined): OverrideView | null {
  return row ? { subject: row.subject, body: row.body, updatedAt: row.updatedAt.toISOString(), updatedBy: row.updatedBy } : null;
}

function templateView(
  template: MailTemplate, locale: MailLocale, level: OverrideLevel, row: TemplateOverrideRow | undefined, deploymentRow: TemplateOverrideRow | undefined,
): MailTemplateView {
  return {
    template,
    locale,
    institutionId: level,
    placeholders: [...TEMPLATE_PLACEHOLDERS[template]],
    flags: [...MAIL_FLAGS],
    default: defaultMailTemplate(template, locale),
    override: overrideView(row),
    deploymentOverride: level === null ? null : overrideView(deploymentRow),
  };
}

/**
 * An edited template as it will be stored (line ends and Unicode normalized), or a 400 naming the
 * first problem's `code` and `field` (`/subject` or `/body`) and listing every problem in `errors`.
 */
function checkedSource(template: MailTemplate, input: TemplateSource): TemplateSource {
  const source = { subject: normalizeTemplateSource(input.subject), body: normalizeTemplateSource(input.body) };
  const problems = validateMailTemplate(template, source);
  const first = problems[0];
  if (first) {
    throw badRequest(first.code, `${first.field}: ${first.message}`, {
      field: `/${first.field}`,
      errors: problems.map((problem) => ({ code: problem.code, field: `/${problem.field}`, message: problem.message })),
    });
  }
  return source;
}

function view(row: MailRow): MailView {
  return {
    id: row.id,
    personId: row.personId,
    institutionId: row.institutionId,
    to: row.toAddress,
    locale: row.locale,
    template: row.template,
    subject: row.subject,
    text: row.bodyText,
    html: row.bodyHtml,
    status: row.status,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  };
}

/**
 * Mails to people: rendered and queued inside the business transaction that caused them, then
 * sent by the `mail-send` job through SMTP, or kept in the database (status `stored`) when no
 * SMTP server is configured (embedded and demo mode), where the API lists them.
 *
 * Delivery is at least once and, in practice, exactly once: a mail that left `queued` is never
 * sent again; two deliveries that read the same attempt count cannot both claim it; and pg-boss
 * does not hand one job out twice before its expiry (5 minutes, far above the SMTP timeouts).
 * A crash between the relay's acceptance and the `sent` update can send a mail twice; both
 * copies carry the same Message-ID (`<mail id@public host>`), which lets receivers drop one.
 */
export function createNotificationsService(deps: NotificationsServiceDeps) {
  const { db, jobs, config } = deps;
  const now = deps.now ?? (() => new Date());
  const smtp = deps.smtp !== undefined ? deps.smtp : config.smtpUrl ? createSmtpClient({ url: config.smtpUrl }) : null;
  const messageHost = new URL(config.publicUrl).hostname || 'localhost';

  /**
   * The override a mail of this institution uses (its own, else the deployment-wide one) when it
   * is still valid, read with the caller's executor.
   */
  async function overrideOf(executor: Executor, institutionId: number | null, template: MailTemplate, locale: MailLocale): Promise<TemplateSource | undefined> {
    const row = await repo.findApplicableOverride(executor, institutionId, template, locale);
    if (!row) return undefined;
    if (validateMailTemplate(template, row).length > 0) {
      // Saved overrides are validated; one that no longer is (a placeholder retired since) must not stop a card move.
      deps.logger?.warn({ template, locale, institutionId: row.institutionId }, 'invalid mail template override ignored; using the built-in text');
      return undefined;
    }
    return row;
  }

  /**
   * The stored mail of a notification: rendered in the person's language with the override of its
   * institution. `overrides` remembers the overrides read within one call (a bulk reads each once).
   */
  async function draft(trx: Transaction<Database>, input: NotifyInput, to: string, overrides: Map<string, Promise<TemplateSource | undefined>>): Promise<repo.NewMail> {
    const locale = chooseLocale(input.locale);
    const institutionId = input.institutionId ?? null;
    const institutionName = input.data.institutionName ?? (await deps.institutionName?.(trx, institutionId)) ?? '';
    const data: MailData = { ...input.data, institutionName, selfServiceUrl: config.publicUrl };
    const key = `${institutionId}:${input.template}:${locale}`;
    let override = overrides.get(key);
    if (override === undefined) overrides.set(key, override = overrideOf(trx, institutionId, input.template, locale));
    const rendered = renderMail(input.template, locale, data, await override);
    return {
      personId: input.personId,
      institutionId,
      toAddress: to,
      locale,
      template: input.template,
      subject: rendered.subject,
      bodyText: rendered.text,
      bodyHtml: rendered.html,
    };
  }

  async function queue(trx: Transaction<Database>, input: NotifyInput, to: string): Promise<MailView> {
    const row = await repo.insertMail(trx, await draft(trx, input, to, new Map()));
    await jobs.send(QUEUES.mailSend, { mailId: row.id }, { trx });
    return view(row);
  }

  async function finish(id: string, outcome: Parameters<typeof repo.finishMail>[2]): Promise<MailRow | undefined> {
    return inTransaction(db, SYSTEM_ACTOR, (trx) => repo.finishMail(trx, id, outcome));
  }

  return {
    /**
     * Renders a mail to a person and queues its sending, atomically with the caller's work: given
     * a transaction, the mail and its job exist if and only if that transaction commits; given
     * the database, in a transaction of its own (audited as `input.actor`, else the system).
     * Returns null, queuing nothing, when the person has no usable e-mail address.
     */
    async notify(executor: Executor, input: NotifyInput): Promise<MailView | null> {
      const to = usableAddress(input.to);
      if (to === null) {
        deps.logger?.debug({ template: input.template }, 'mail skipped: no usable address');
        return null;
      }
      const mail = isTransaction(executor)
        ? await queue(executor, input, to)
        : await inTransaction(executor, input.actor ?? { actor: 'system' }, (trx) => queue(trx, input, to));
      deps.logger?.debug({ mailId: mail.id, template: mail.template }, 'mail queued');
      return mail;
    },

    /**
     * `notify` for many mails at once (a bulk card move), in the caller's transaction (else in one
     * of its own, audited as the first mail's actor): the mails in one
     * statement and their sending jobs in another, each template override read once. Mails
     * without a usable address are skipped, as by `notify`. Returns the mails queued.
     */
    async notifyMany(executor: Executor, inputs: readonly NotifyInput[]): Promise<MailView[]> {
      const work = async (trx: Transaction<Database>): Promise<MailView[]> => {
        const overrides = new Map<string, Promise<TemplateSource | undefined>>();
        const drafts: repo.NewMail[] = [];
        for (const input of inputs) {
          const to = usableAddress(input.to);
          if (to === null) continue;
          drafts.push(await draft(trx, input, to, overrides));
        }
        const rows = await repo.insertMails(trx, drafts);
        await jobs.sendMany(QUEUES.mailSend, rows.map((row) => ({ mailId: row.id })), { trx });
        return rows.map(view);
      };
      const mails = isTransaction(executor) ? await work(executor) : await inTransaction(executor, inputs[0]?.actor ?? { actor: 'system' }, work);
      deps.logger?.debug({ mails: mails.length }, 'mails queued');
      return mails;
    },

    /**
     * Every template in every locale at one level (an institution, or null: the deployment-wide
     * texts), with its default text, its override there, the deployment-wide override an
     * institution falls back on, and its placeholders.
     */
    async templates(level: OverrideLevel): Promise<MailTemplateView[]> {
      const rows = await repo.listTemplateOverrides(db, level === null ? [null] : [level, null]);
      const at = (wanted: OverrideLevel, template: MailTemplate, locale: MailLocale) =>
        rows.find((row) => row.institutionId === wanted && row.template === template && row.locale === locale);
      return MAIL_TEMPLATES.flatMap((template) => MAIL_LOCALES.map((locale) =>
        templateView(template, locale, level, at(level, template, locale), at(null, template, locale))));
    },

    /**
     * Saves an admin's subject and body for a template in a locale; the next mails use it. A
     * template that does not pass the language's rules is a 400 (see {@link checkedSource}).
     */
    async saveTemplate(level: OverrideLevel, template: MailTemplate, locale: MailLocale, input: TemplateSource, actor: ActorContext): Promise<MailTemplateView> {
      const source = checkedSource(template, input);
      return inTransaction(db, actor, async (trx) => {
        const row = await repo.upsertTemplateOverride(trx, { institutionId: level, template, locale, ...source, updatedBy: actor.actor });
        const deploymentRow = level === null ? undefined : await repo.findApplicableOverride(trx, null, template, locale);
        return templateView(template, locale, level, row, deploymentRow);
      });
    },

    /**
     * Removes the override at this level (nothing to do when there was none): an institution's
     * mails go back to the deployment-wide override if there is one, else to the built-in text.
     */
    async resetTemplate(level: OverrideLevel, template: MailTemplate, locale: MailLocale, actor: ActorContext): Promise<MailTemplateView> {
      return inTransaction(db, actor, async (trx) => {
        await repo.deleteTemplateOverride(trx, level, template, locale);
        const deploymentRow = level === null ? undefined : await repo.findApplicableOverride(trx, null, template, locale);
        return templateView(template, locale, level, undefined, deploymentRow);
      });
    },

    /**
     * Renders a subject and body that are being edited, with sample data (every optional value
     * filled in) and the name of the level's institution, without saving anything. Same 400s as saving.
     */
    async previewTemplate(level: OverrideLevel, template: MailTemplate, locale: MailLocale, input: TemplateSource, options: { cardKind: 'physical' | 'virtual' }): Promise<RenderedMail> {
      const source = checkedSource(template, input);
      const institutionName = (await deps.institutionName?.(db, level)) ?? '';
      return renderMail(template, locale, sampleMailData(template, locale, { institutionName, selfServiceUrl: config.publicUrl, cardKind: options.cardKind }), source);
    },

    /**
     * Lists the mails in `scope` (the caller's institutions; a mail of no institution only when
     * the caller has no institution limit), newest first, optionally of one person, status or
     * template. The scope is a condition of the query: pages hold only mails in scope.
     */
    async list(filter: { scope: AccessScope; personId?: string; status?: MailStatus; template?: string; limit: number; offset?: number }): Promise<MailView[]> {
      return (await repo.listMails(db, filter)).map(view);
    },

    /**
     * Reads one mail within `scope` (default: the whole deployment). With `personId`, only a mail
     * to that person. A mail outside is a 404, exactly like a missing one, so ids cannot be probed.
     */
    async get(id: string, options: { scope?: AccessScope; personId?: string } = {}): Promise<MailView> {
      const row = await repo.findMail(db, id, options.scope ?? WHOLE_DEPLOYMENT);
      if (!row || (options.personId !== undefined && row.personId !== options.personId)) {
        throw notFound('mail_not_found', 'No such mail');
      }
      return view(row);
    },

    /**
     * The `mail-send` job: sends a queued mail once. Without SMTP the mail is kept (`stored`).
     * A transient failure (connection, timeout, 4xx, authentication) counts the attempt, keeps the
     * error and throws so the queue retries with backoff; the last attempt marks it `failed`.
     * A permanent failure (5xx, e.g. unknown recipient) marks it `failed` at once without throwing.
     * Anything not `queued` any more (sent, stored, failed) is left alone: redelivery is harmless.
     */
    async deliver(mailId: string): Promise<DeliveryOutcome> {
      const mail = await repo.findMail(db, mailId, WHOLE_DEPLOYMENT);
      if (!mail || mail.status !== 'queued') return 'skipped';
      if (!smtp) {
        await finish(mail.id, { status: 'stored' });
        return 'stored';
      }
      if (mail.attempts >= MAIL_SEND_MAX_ATTEMPTS) {
        await finish(mail.id, { status: 'failed' });
        return 'failed';
      }
      const claimed = await inTransaction(db, SYSTEM_ACTOR, (trx) => repo.claimAttempt(trx, mail.id, mail.attempts));
      if (!claimed) return 'skipped';
      try {
        await smtp.send({
          from: config.mailFrom,
          to: claimed.toAddress,
          subject: claimed.subject,
          text: claimed.bodyText,
          html: claimed.bodyHtml,
          messageId: `<${claimed.id}@${messageHost}>`,
        });
      } catch (error) {
        const failure = toSmtpError(error);
        const last = failure.permanent || claimed.attempts >= MAIL_SEND_MAX_ATTEMPTS;
        if (last) await finish(claimed.id, { status: 'failed', lastError: failure.message });
        else await inTransaction(db, SYSTEM_ACTOR, (trx) => repo.recordError(trx, claimed.id, failure.message));
        deps.logger?.warn({
          mailId: claimed.id, attempts: claimed.attempts, code: failure.code, responseCode: failure.responseCode,
          permanent: failure.permanent, failed: last,
        }, 'mail send failed');
        if (failure.permanent) return 'failed';
        throw failure;
      }
      await finish(claimed.id, { status: 'sent', sentAt: now(), lastError: null });
      deps.logger?.info({ mailId: claimed.id, attempts: claimed.attempts }, 'mail sent');
      return 'sent';
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
