import nodemailer from 'nodemailer';

/**
 * Sends mails to an SMTP relay through nodemailer, one connection per message (a card office
 * sends few mails; no pool to keep alive or to go stale).
 *
 * Every failure becomes an {@link SmtpError} that says whether trying again later may help
 * (`permanent: false`: connection refused, timeouts, 4xx replies, authentication) or not
 * (`permanent: true`: 5xx replies such as an unknown recipient). Its message has e-mail addresses
 * and URL credentials removed, so it can be stored and logged without personal data or secrets.
 */

/** One message to send. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** `<id@host>`: a stable Message-ID lets the receiving side recognise a re-sent message. */
  messageId?: string;
}

/** What the relay said when it accepted the message. */
export interface SmtpDelivery {
  messageId: string;
  response: string;
}

/** A configured SMTP client. */
export interface SmtpClient {
  send(mail: OutgoingMail): Promise<SmtpDelivery>;
  /** Connects and says hello (and logs in when the URL has credentials), without sending. */
  verify(): Promise<void>;
  close(): void;
}

export interface SmtpClientOptions {
  /** `smtp://[user:password@]host[:port]` (STARTTLS when offered) or `smtps://…` (TLS from the start). */
  url: string;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

/** A failed SMTP exchange, classified for retry, with a message free of addresses and secrets. */
export class SmtpError extends Error {
  /** nodemailer's code: ECONNECTION, ETIMEDOUT, EENVELOPE, EAUTH, EMESSAGE, ESOCKET, … */
  readonly code: string | undefined;
  /** The SMTP reply code, when the server answered. */
  readonly responseCode: number | undefined;
  /** True when sending the same message again cannot succeed. */
  readonly permanent: boolean;

  constructor(message: string, init: { code?: string | undefined; responseCode?: number | undefined; permanent: boolean }) {
    super(message);
    this.name = 'SmtpError';
    this.code = init.code;
    this.responseCode = init.responseCode;
    this.permanent = init.permanent;
  }
}

const EMAIL = /<?[^\s<>@"'(),;:[\]]+@[^\s<>@"'(),;:[\]]+>?/g;
const URL_CREDENTIALS = /(\w+:\/\/)[^/\s@]+@/g;
const MAX_MESSAGE_LENGTH = 500;

/** Removes e-mail addresses and URL credentials from a text, and bounds its length. */
export function redactSmtpText(text: string): string {
  return text.replace(URL_CREDENTIALS, '$1[redacted]@').replace(EMAIL, '[address]').slice(0, MAX_MESSAGE_LENGTH);
}

/**
 * Classifies anything nodemailer throws. 5xx replies are permanent (RFC 5321), except for
 * authentication failures: those are a configuration problem an administrator can fix while
 * the retries last.
 */
export function toSmtpError(error: unknown): SmtpError {
  if (error instanceof SmtpError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as { message?: unknown; code?: unknown; responseCode?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const message = redactSmtpText(typeof e.message === 'string' ? e.message : String(error));
  const permanent = code !== 'EAUTH' && responseCode !== undefined && responseCode >= 500 && responseCode < 600;
  return new SmtpError(message, { code, responseCode, permanent });
}

/**
 * Creates a client for one relay. Nothing connects until {@link SmtpClient.send} or
 * {@link SmtpClient.verify}. Timeouts are short so a job never outlives its queue's expiry.
 */
export function createSmtpClient(options: SmtpClientOptions): SmtpClient {
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: options.connectionTimeoutMs ?? 10_000,
    greetingTimeout: options.greetingTimeoutMs ?? 10_000,
    socketTimeout: options.socketTimeoutMs ?? 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          ...(mail.messageId ? { messageId: mail.messageId } : {}),
        });
        return { messageId: info.messageId, response: redactSmtpText(info.response) };
      } catch (error) {
        throw toSmtpError(error);
      }
    },
    async verify() {
      try {
        await transport.verify();
      } catch (error) {
        throw toSmtpError(error);
      }
    },
    close() {
      transport.close();
    },
  };
}
