import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * An SMTP relay in the same process, speaking real SMTP over TCP (built on `smtp-server`), for
 * tests and demonstrations: it accepts every message (authentication optional, any credentials)
 * and keeps it, decoded, in {@link SmtpSimulator.messages}. It can be stopped and started again
 * on the same port to play an outage, and told to refuse recipients to play a permanent failure.
 */

/** A message as the simulator received it. */
export interface ReceivedMail {
  /** Envelope sender and recipients (MAIL FROM / RCPT TO). */
  envelopeFrom: string | null;
  envelopeTo: string[];
  /** Headers, names in lower case, encoded words decoded. */
  headers: Record<string, string>;
  subject: string;
  messageId: string;
  /** The first text/plain and text/html parts, decoded. */
  text: string;
  html: string;
  raw: string;
  /** The user name the client logged in with, if it did. */
  user: string | null;
}

export interface SmtpSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
}

export interface SmtpSimulator {
  readonly port: number;
  readonly host: string;
  /** `smtp://host:port`, for SMTP_URL. */
  readonly url: string;
  readonly messages: ReceivedMail[];
  readonly running: boolean;
  /** Refuses RCPT TO for addresses the predicate accepts, with a 550 reply. */
  rejectRecipients(predicate: ((address: string) => boolean) | null): void;
  /** Resolves once `count` messages were received (or rejects after `timeoutMs`). */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Stops listening (connections are refused) but keeps the port for {@link start}. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a simulator. */
export async function startSmtpSimulator(options: SmtpSimulatorOptions = {}): Promise<SmtpSimulator> {
  const host = options.host ?? '127.0.0.1';
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let refuse: ((address: string) => boolean) | null = null;
  let server: SMTPServer | null = null;
  let port = options.port ?? 0;

  const serverOptions: SMTPServerOptions = {
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 1_000,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'anonymous' });
    },
    onRcptTo(address, _session, callback) {
      if (refuse?.(address.address)) {
        const error = Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected`), { responseCode: 550 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = parseMimeMessage(raw);
        messages.push({
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          headers: parsed.headers,
          subject: parsed.headers.subject ?? '',
          messageId: parsed.headers['message-id'] ?? '',
          text: parsed.text,
          html: parsed.html,
          raw,
          user: typeof session.user === 'string' ? session.user : null,
        });
        for (const wake of [...waiters]) wake();
        callback();
      });
    },
  };

  async function start(): Promise<void> {
    if (server) return;
    const created = new SMTPServer(serverOptions);
    created.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      created.server.once('error', reject);
      created.listen(port, host, () => {
        created.server.off('error', reject);
        resolve();
      });
    });
    port = (created.server.address() as AddressInfo).port;
    server = created;
  }

  async function stop(): Promise<void> {
    const current = server;
    if (!current) return;
    server = null;
    await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  await start();

  return {
    get port() { return port; },
    host,
    get url() { return `smtp://${host}:${port}`; },
    messages,
    get running() { return server !== null; },
    rejectRecipients(predicate) {
      refuse = predicate;
    },
    waitForMessages(count, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(messages.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} messages, got ${messages.length}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop,
    start,
    close: stop,
  };
}

/** A decoded MIME message: headers and the first plain-text and HTML parts. */
export interface ParsedMimeMessage {
  headers: Record<string, string>;
  text: string;
  html: string;
}

/**
 * Decodes what mail clients like nodemailer produce: folded headers, RFC 2047 encoded words,
 * nested multiparts, quoted-printable and base64 bodies in UTF-8. Enough to read a test
 * message back; not a general-purpose parser.
 */
export function parseMimeMessage(raw: string): ParsedMimeMessage {
  const found = { text: '', html: '' };
  const { headers } = readPart(raw.replace(/\r\n/g, '\n'), found);
  return { headers, text: found.text, html: found.html };
}

function readPart(part: string, found: { text: string; html: string }): { headers: Record<string, string> } {
  const split = part.indexOf('\n\n');
  const head = split === -1 ? part : part.slice(0, split);
  // The line break before a boundary (or at the end of the data) belongs to the delimiter.
  const body = split === -1 ? '' : part.slice(split + 2).replace(/\n$/, '');
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = decodeEncodedWords(line.slice(colon + 1).trim());
  }
  const contentType = headers['content-type'] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (/^multipart\//i.test(contentType) && boundary) {
    const sections = body.split(`--${boundary}`);
    for (const section of sections.slice(1)) {
      if (section.startsWith('--')) break;
      readPart(section.replace(/^\n/, ''), found);
    }
    return { headers };
  }
  const decoded = decodeBody(body, headers['content-transfer-encoding'] ?? '7bit');
  if (/^text\/plain/i.test(contentType) && !found.text) found.text = decoded;
  if (/^text\/html/i.test(contentType) && !found.html) found.html = decoded;
  return { headers };
}

function decodeBody(body: string, encoding: string): string {
  switch (encoding.toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
    case 'quoted-printable':
      return decodeQuotedPrintable(body.replace(/=\n/g, ''));
    default:
      return body;
  }
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i] as string, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeEncodedWords(value: string): string {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_match, _charset: string, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')));
}
