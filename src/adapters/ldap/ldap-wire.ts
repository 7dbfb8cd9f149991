/**
 * The LDAP connection a sync reads through: connect (LDAPS or plain, then StartTLS if asked),
 * simple bind, paged search, unbind. It speaks the protocol itself, one request at a time, so
 * that a search gives each entry as the bytes the directory sent (one `SearchResultEntry` frame)
 * rather than decoded: the sync digests those bytes and decodes only the entries it has not seen
 * as they are (see ldap-digest.worker.ts), which is what keeps a no-change resync close to the
 * directory's own send time. Requests are encoded and non-entry answers decoded with ldapts'
 * message classes; a failed answer becomes the same ldapts error class (InvalidCredentialsError,
 * NoSuchObjectError…) as ldapts' Client would throw, so `describeError` reads both alike.
 */
import { hash } from 'node:crypto';
import net from 'node:net';
import tls, { type ConnectionOptions } from 'node:tls';
import {
  BindRequest,
  BindResponse,
  ExtendedRequest,
  ExtendedResponse,
  FilterParser,
  MessageParser,
  PagedResultsControl,
  SearchEntry,
  SearchRequest,
  SearchResponse,
  StatusCodeParser,
  UnbindRequest,
  type Entry,
} from 'ldapts';

/** A request this client sends. */
type Request = BindRequest | ExtendedRequest | SearchRequest;
/** An answer as ldapts decoded it (told apart with instanceof). */
type Answer = object;

/** How to reach and bind to the directory. */
export interface WireOptions {
  url: string;
  bindDn: string;
  password: string;
  startTls: boolean;
  /** The CA of the directory's certificate (LDAPS and StartTLS); the system's CAs without it. */
  tlsOptions?: ConnectionOptions;
  /** Per operation (connect, bind, each page). */
  timeoutMs: number;
}

/** One paged search. */
export interface WireSearch {
  baseDn: string;
  scope: 'base' | 'one' | 'sub';
  filter: string;
  attributes: string[];
  /** Attributes whose values are binary (jpegPhoto): decoded as Buffers. */
  binaryAttributes: string[];
  pageSize: number;
}

/** An entry as the directory sent it: its whole LDAPMessage, and where its protocolOp starts. */
export interface RawEntry {
  frame: Buffer;
  opOffset: number;
}

const OP_BIND_RESPONSE = 0x61;
const OP_SEARCH_ENTRY = 0x64;
const OP_SEARCH_DONE = 0x65;
const OP_SEARCH_REFERENCE = 0x73;
const OP_EXTENDED_RESPONSE = 0x78;
const START_TLS_OID = '1.3.6.1.4.1.1466.20037';
/** The largest message read: an entry with a few photos fits many times over. */
const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/** A frame the directory sent that is not LDAP (or that this client cannot follow). */
export class LdapWireProtocolError extends Error {
  constructor(message: string) {
    super(`LDAP protocol: ${message}`);
    this.name = 'LdapWireProtocolError';
  }
}

/** The length of a BER element whose length octets start at `at`: [length, octets used], or undefined if not all there yet. */
function berLength(buffer: Buffer, at: number): [number, number] | undefined {
  if (at >= buffer.length) return undefined;
  const first = buffer[at] as number;
  if (first < 0x80) return [first, 1];
  const count = first & 0x7f;
  if (count === 0 || count > 4) throw new LdapWireProtocolError(`unsupported length form 0x${first.toString(16)}`);
  if (at + count >= buffer.length) return undefined;
  let length = 0;
  for (let i = 1; i <= count; i++) length = length * 256 + (buffer[at + i] as number);
  return [length, 1 + count];
}

/** Splits a byte stream into LDAPMessage frames (exported for its property test); a frame spread over many chunks is joined once. */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Bytes the first frame held in `chunks` needs (0 until its header is there). */
  private needed = 0;

  /** Frames completed by `chunk`, in order. */
  push(chunk: Buffer): Buffer[] {
    let buffer = chunk;
    if (this.chunks.length > 0) {
      this.chunks.push(chunk);
      this.size += chunk.length;
      if (this.needed === 0 || this.size < this.needed) {
        if (this.needed === 0) this.needed = this.frameSize(Buffer.concat(this.chunks), 0) ?? 0;
        if (this.needed === 0 || this.size < this.needed) return [];
      }
      buffer = Buffer.concat(this.chunks, this.size);
      this.chunks = [];
      this.size = 0;
      this.needed = 0;
    }
    const frames: Buffer[] = [];
    let at = 0;
    while (at < buffer.length) {
      const size = this.frameSize(buffer, at);
      if (size === undefined || at + size > buffer.length) {
        const rest = buffer.subarray(at);
        this.chunks = [rest];
        this.size = rest.length;
        this.needed = size ?? 0;
        break;
      }
      frames.push(buffer.subarray(at, at + size));
      at += size;
    }
    return frames;
  }

  /** The size of the frame starting at `at`, undefined until its length octets are there. */
  private frameSize(buffer: Buffer, at: number): number | undefined {
    if (buffer[at] !== 0x30) throw new LdapWireProtocolError(`expected an LDAPMessage, got tag 0x${(buffer[at] ?? 0).toString(16)}`);
    const length = berLength(buffer, at + 1);
    if (length === undefined) return undefined;
    // A broken server must not make the reader buffer gigabytes until the timeout.
    if (length[0] > MAX_FRAME_BYTES) throw new LdapWireProtocolError(`a message of ${length[0]} bytes (at most ${MAX_FRAME_BYTES})`);
    return 1 + length[1] + length[0];
  }
}

/** The message id and where the protocolOp starts, in a complete frame. */
function frameHeader(frame: Buffer): { messageId: number; opOffset: number } {
  const outer = berLength(frame, 1);
  if (!outer) throw new LdapWireProtocolError('truncated message');
  const idAt = 1 + outer[1];
  if (frame[idAt] !== 0x02) throw new LdapWireProtocolError('message without an id');
  const idLength = berLength(frame, idAt + 1);
  if (!idLength || idLength[0] > 4) throw new LdapWireProtocolError('bad message id');
  let messageId = 0;
  const start = idAt + 1 + idLength[1];
  for (let i = 0; i < idLength[0]; i++) messageId = messageId * 256 + (frame[start + i] as number);
  return { messageId, opOffset: start + idLength[0] };
}

/**
 * Where an attribute sits in a raw entry: its whole element's bytes [start, end) (empty, at the
 * list's end, when the entry has none), its first value, the entry's DN element [dnStart, dnEnd)
 * and where the attribute list's content starts.
 */
interface RawAttribute {
  dnStart: number;
  dnEnd: number;
  listStart: number;
  start: number;
  end: number;
  value: string | undefined;
}

/** Attribute `name` (lower-case ASCII) of a raw entry, found without decoding the others; undefined only for a malformed entry. */
function findRawAttribute(entry: RawEntry, name: string): RawAttribute | undefined {
  const { frame } = entry;
  const op = berLength(frame, entry.opOffset + 1);
  if (!op) return undefined;
  let at = entry.opOffset + 1 + op[1];
  const dnStart = at;
  const dn = berLength(frame, at + 1);
  if (!dn) return undefined;
  at += 1 + dn[1] + dn[0];
  const dnEnd = at;
  const list = berLength(frame, at + 1);
  if (!list) return undefined;
  at += 1 + list[1];
  const listStart = at;
  const end = at + list[0];
  while (at < end) {
    const attribute = berLength(frame, at + 1);
    if (!attribute) return undefined;
    const next = at + 1 + attribute[1] + attribute[0];
    const typeAt = at + 1 + attribute[1];
    const type = berLength(frame, typeAt + 1);
    if (!type) return undefined;
    const nameAt = typeAt + 1 + type[1];
    if (type[0] === name.length && sameAsciiName(frame, nameAt, name)) {
      const valuesAt = nameAt + type[0];
      const values = berLength(frame, valuesAt + 1);
      if (!values || values[0] === 0) return { dnStart, dnEnd, listStart, start: at, end: next, value: undefined };
      const valueAt = valuesAt + 1 + values[1];
      const value = berLength(frame, valueAt + 1);
      if (!value) return undefined;
      const valueStart = valueAt + 1 + value[1];
      return { dnStart, dnEnd, listStart, start: at, end: next, value: frame.toString('latin1', valueStart, valueStart + value[0]) };
    }
    at = next;
  }
  // Absent: an empty range at the end of the list, so that digests leaving it out compare alike.
  return { dnStart, dnEnd, listStart, start: end, end, value: undefined };
}

/**
 * The first value of attribute `name` (lower-case ASCII) of a raw entry, read without decoding
 * the others; undefined when the entry has none.
 */
export function rawAttributeValue(entry: RawEntry, name: string): string | undefined {
  return findRawAttribute(entry, name)?.value;
}

function sameAsciiName(frame: Buffer, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let byte = frame[at + i] as number;
    if (byte >= 0x41 && byte <= 0x5a) byte |= 0x20;
    if (byte !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * The digest of an entry as sent: its bytes from the protocolOp on (DN, every attribute and value,
 * the entry's controls; not the message id, which differs between searches), without attribute
 * `leaveOut` (lower-case) if given: equal digests mean entries identical but for that attribute.
 * The sync leaves out `modifyTimestamp` when the mapping does not read it, so a change to an
 * attribute it does not even request (a password, a last-login time) costs no decoding.
 */
export function rawEntryDigest(entry: RawEntry, leaveOut?: string): string {
  const { frame } = entry;
  const left = leaveOut === undefined ? undefined : findRawAttribute(entry, leaveOut);
  if (!left) return hash('sha256', frame.subarray(entry.opOffset), 'base64url');
  // Without the protocolOp's and the attribute list's length octets, which the left-out value's
  // length changes: the DN, the other attributes and whatever follows, each as sent.
  return hash('sha256', Buffer.concat([
    frame.subarray(left.dnStart, left.dnEnd), frame.subarray(left.listStart, left.start), frame.subarray(left.end),
  ]), 'base64url');
}

/** A bound connection to the directory (see the module comment). */
export class LdapWire {
  private readonly splitter = new FrameSplitter();
  private nextId = 0;
  /** The frames of the request under way, handed to its reader; anything else is refused. */
  private onFrame: ((frame: Buffer) => void) | undefined;
  private onFailure: ((error: Error) => void) | undefined;
  private failure: Error | undefined;
  private closed = false;

  private constructor(private socket: net.Socket, private readonly timeoutMs: number) {
    this.listen(socket);
  }

  /** Connects, upgrades with StartTLS when asked, binds; throws ldapts' error classes or the socket's. */
  static async open(options: WireOptions): Promise<LdapWire> {
    const url = new URL(options.url);
    const secure = url.protocol === 'ldaps:';
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (secure ? 636 : 389));
    const socket = secure
      ? tls.connect({ ...options.tlsOptions, host, port, servername: net.isIP(host) ? undefined : host })
      : net.connect({ host, port });
    try {
      await withTimeout(new Promise<void>((resolve, reject) => {
        socket.once(secure ? 'secureConnect' : 'connect', () => resolve());
        socket.once('error', reject);
      }), options.timeoutMs, 'Connection timeout');
    } catch (error) {
      socket.destroy();
      throw error;
    }
    const wire = new LdapWire(socket, options.timeoutMs);
    try {
      if (options.startTls) await wire.startTls(host, options.tlsOptions);
      const answer = await wire.request(new BindRequest({ messageId: wire.id(), dn: options.bindDn, password: options.password }));
      if (!(answer instanceof BindResponse)) throw new LdapWireProtocolError('the bind was not answered with a bind response');
      if (answer.status !== 0) throw StatusCodeParser.parse(answer);
      return wire;
    } catch (error) {
      wire.close();
      throw error;
    }
  }

  /**
   * The entries of a paged search, one page per item (a page may be empty). The next page is
   * asked for as soon as one is given, so the directory sends it while the caller works.
   */
  async *search(search: WireSearch): AsyncGenerator<RawEntry[]> {
    const control = new PagedResultsControl({ value: { size: search.pageSize } });
    const request = new SearchRequest({
      messageId: 0, baseDN: search.baseDn, scope: search.scope, filter: FilterParser.parseString(search.filter),
      attributes: search.attributes, explicitBufferAttributes: search.binaryAttributes, controls: [control],
      // The server's own limit per page, as long as this client waits for one (ldapts sends 10 s).
      timeLimit: Math.ceil(this.timeoutMs / 1000),
    });
    let next: Promise<{ entries: RawEntry[]; cookie: Buffer | undefined }> | undefined = this.page(request);
    let previous: Buffer | undefined;
    while (next) {
      const { entries, cookie } = await next;
      next = undefined;
      if (cookie && cookie.length > 0) {
        // Empty pages may come (Active Directory sends some), but the same cookie again with
        // nothing read would loop forever.
        if (entries.length === 0 && previous?.equals(cookie)) throw new LdapWireProtocolError('the server repeats a paging cookie without sending entries');
        previous = cookie;
        control.value = { size: search.pageSize, cookie };
        next = this.page(request);
        // Awaited at the next turn; a failure meanwhile must not be an unhandled rejection.
        next.catch(() => undefined);
      }
      yield entries;
    }
  }

  /** An entry decoded as ldapts' `search` gives it (binary attributes as Buffers). */
  decode(entry: RawEntry, search: WireSearch): Entry {
    const message = this.parse(entry.frame);
    if (!(message instanceof SearchEntry)) throw new LdapWireProtocolError('not a search entry');
    return message.toObject(search.attributes, search.binaryAttributes);
  }

  /** Unbinds (best effort) and closes the connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const socket = this.socket;
    if (socket.destroyed || this.failure !== undefined) {
      socket.destroy();
      return;
    }
    // The unbind is flushed before the socket goes (over TLS too); a peer that never reads does not hold it.
    socket.end(new UnbindRequest({ messageId: this.id() }).write(), () => socket.destroy());
    setTimeout(() => socket.destroy(), 1_000).unref();
  }

  private async page(request: SearchRequest): Promise<{ entries: RawEntry[]; cookie: Buffer | undefined }> {
    request.messageId = this.id();
    const entries: RawEntry[] = [];
    const done = await this.exchange(request, (frame, opOffset) => {
      const op = frame[opOffset];
      if (op === OP_SEARCH_ENTRY) {
        entries.push({ frame, opOffset });
        return false;
      }
      // References (referrals to other servers) are not followed, as ldapts' search did not.
      if (op === OP_SEARCH_REFERENCE) return false;
      if (op === OP_SEARCH_DONE) return true;
      throw new LdapWireProtocolError(`a search answered with operation 0x${(op ?? 0).toString(16)}`);
    });
    if (!(done instanceof SearchResponse)) throw new LdapWireProtocolError('a search ended without a search result');
    if (done.status !== 0) throw StatusCodeParser.parse(done);
    // A server that does not page answers everything at once, without the control: one page.
    const paged = done.controls?.find((answer): answer is PagedResultsControl => answer instanceof PagedResultsControl);
    return { entries, cookie: paged?.value?.cookie };
  }

  private async startTls(host: string, tlsOptions: ConnectionOptions | undefined): Promise<void> {
    const answer = await this.request(new ExtendedRequest({ messageId: this.id(), oid: START_TLS_OID }));
    if (!(answer instanceof ExtendedResponse)) throw new LdapWireProtocolError('StartTLS was not answered');
    if (answer.status !== 0) throw StatusCodeParser.parse(answer);
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secured = tls.connect({ ...tlsOptions, socket: plain, servername: net.isIP(host) ? undefined : host });
    try {
      await withTimeout(new Promise<void>((resolve, reject) => {
        secured.once('secureConnect', () => resolve());
        secured.once('error', reject);
      }), this.timeoutMs, 'StartTLS timeout');
    } catch (error) {
      // Nothing more is written on a connection whose handshake failed (no clear-text unbind).
      this.failure = error instanceof Error ? error : new Error(String(error));
      secured.destroy();
      plain.destroy();
      throw error;
    }
    this.socket = secured;
    this.listen(secured);
  }

  /** Sends a request answered by one message (bind, extended) and gives that message. */
  private request(message: Request): Promise<Answer> {
    return this.exchange(message, (frame, opOffset) => frame[opOffset] === OP_BIND_RESPONSE || frame[opOffset] === OP_EXTENDED_RESPONSE);
  }

  /**
   * Sends `message` and hands each frame answering it to `take` until `take` says it is the last:
   * that one is decoded and returned. One exchange at a time, each bounded by the timeout.
   */
  private exchange(message: Request, take: (frame: Buffer, opOffset: number) => boolean): Promise<Answer> {
    if (this.failure) return Promise.reject(this.failure);
    return withTimeout(new Promise<Answer>((resolve, reject) => {
      this.onFailure = reject;
      this.onFrame = (frame) => {
        const header = frameHeader(frame);
        if (header.messageId !== message.messageId) throw new LdapWireProtocolError(`an answer to message ${header.messageId} while ${message.messageId} was under way`);
        if (!take(frame, header.opOffset)) return;
        // Decoded before the exchange lets go of its handlers: an answer ldapts cannot read fails
        // this exchange at once (through `fail`), not after the timeout.
        const answer = this.parse(frame);
        this.onFrame = undefined;
        this.onFailure = undefined;
        resolve(answer);
      };
      this.socket.write(message.write());
    }), this.timeoutMs, `The directory did not answer within ${this.timeoutMs} ms (timeout)`).catch((error: unknown) => {
      this.fail(error instanceof Error ? error : new Error(String(error)));
      throw error;
    });
  }

  /** One complete frame decoded by ldapts (a parser per frame: a failed read leaves no state behind). */
  private parse(frame: Buffer): Answer {
    const parser = new MessageParser();
    let message: Answer | undefined;
    let failure: unknown;
    parser.on('message', (answer: Answer) => { message = answer; });
    parser.on('error', (error: unknown) => { failure = error; });
    parser.read(frame, new Map());
    if (!message) throw new LdapWireProtocolError(`an answer ldapts could not read (${failure instanceof Error ? failure.message : 'incomplete'})`);
    return message;
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of this.splitter.push(chunk)) {
          if (!this.onFrame) throw new LdapWireProtocolError('an answer nobody asked for');
          this.onFrame(frame);
        }
      } catch (error) {
        this.fail(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(Object.assign(new Error('the directory closed the connection'), { code: 'ECONNRESET' })));
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    const reject = this.onFailure;
    this.onFrame = undefined;
    this.onFailure = undefined;
    this.socket.destroy();
    reject?.(error);
  }

  private id(): number {
    this.nextId = this.nextId >= 0x7fffffff ? 1 : this.nextId + 1;
    return this.nextId;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(message), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
