/**
 * The LDAP wire's framing and raw reads, on messages built by a BER encoder of this test's own
 * (checked against ldapts' decoder, so it is the protocol's format and not a private one).
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MessageParser, SearchEntry } from 'ldapts';
import { readFileSync } from 'node:fs';
import type { RecordDigestSpec } from '../../modules/directory/domain/record-digest.ts';
import { rawDigestSeed, timestampLeftOut } from './ldap-digest.worker.ts';
import { RECORD_DECODER, type LdapReaderSpec } from './ldap-reader.ts';
import { FrameSplitter, LdapWire, rawAttributeValue, rawEntryDigest, type RawEntry } from './ldap-wire.ts';

/** A BER element: tag, definite length (short or long form), content. */
function tlv(tag: number, content: Buffer | Buffer[]): Buffer {
  const body = Array.isArray(content) ? Buffer.concat(content) : content;
  const length = body.length;
  let header: number[];
  if (length < 0x80) header = [length];
  else {
    const octets: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
    header = [0x80 | octets.length, ...octets];
  }
  return Buffer.concat([Buffer.from([tag, ...header]), body]);
}

function integer(value: number): Buffer {
  const octets: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  if (octets.length === 0 || (octets[0] as number) >= 0x80) octets.unshift(0);
  return tlv(0x02, Buffer.from(octets));
}

type Attributes = Array<[string, string[]]>;

/** A SearchResultEntry LDAPMessage. */
function entryMessage(messageId: number, dn: string, attributes: Attributes): Buffer {
  const list = attributes.map(([type, values]) => tlv(0x30, [tlv(0x04, Buffer.from(type)), tlv(0x31, values.map((value) => tlv(0x04, Buffer.from(value))))]));
  return tlv(0x30, [integer(messageId), tlv(0x64, [tlv(0x04, Buffer.from(dn)), tlv(0x30, list)])]);
}

/** The protocolOp's offset in a message built by {@link entryMessage}. */
function opOffset(frame: Buffer): number {
  const lengthOctets = (frame[1] as number) < 0x80 ? 1 : 1 + ((frame[1] as number) & 0x7f);
  const idAt = 1 + lengthOctets;
  return idAt + 2 + (frame[idAt + 1] as number);
}

const attributeName = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,20}$/);
// Short values, and now and then one past the one- and two-octet length forms (a photo's size).
const value = fc.oneof({ weight: 8, arbitrary: fc.string({ maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ minLength: 200, maxLength: 400 }) },
  { weight: 1, arbitrary: fc.integer({ min: 66_000, max: 70_000 }).map((size) => 'x'.repeat(size)) });
const attributes: fc.Arbitrary<Attributes> = fc.array(fc.tuple(attributeName, fc.array(value, { maxLength: 3 })), { maxLength: 6 });
const entry = fc.record({ id: fc.integer({ min: 1, max: 0x7fffffff }), dn: fc.string({ maxLength: 60 }), attributes });

describe('LDAP wire', () => {
  it('the test encoder writes what ldapts decodes (same DN, attributes and values)', () => {
    fc.assert(fc.property(entry, ({ id, dn, attributes: list }) => {
      let decoded: unknown;
      const parser = new MessageParser();
      parser.on('message', (message: unknown) => { decoded = message; });
      parser.read(entryMessage(id, dn, list), new Map());
      assert.ok(decoded instanceof SearchEntry);
      assert.equal(decoded.messageId, id);
      assert.equal(decoded.name, dn);
      assert.deepEqual(decoded.attributes.map((attribute) => [attribute.type, attribute.values]), list);
    }), { numRuns: 50 });
  });

  it('property: however the stream is cut into chunks, the splitter gives back each message whole, in order', () => {
    fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 70_000 }), { maxLength: 30 }), (entries, cuts) => {
      const messages = entries.map(({ id, dn, attributes: list }) => entryMessage(id, dn, list));
      const stream = Buffer.concat(messages);
      const splitter = new FrameSplitter();
      const frames: Buffer[] = [];
      let at = 0;
      for (const cut of [...cuts, stream.length]) {
        const end = Math.min(stream.length, at + cut);
        frames.push(...splitter.push(stream.subarray(at, end)));
        at = end;
        if (at === stream.length) break;
      }
      assert.deepEqual(frames.map((frame) => frame.toString('hex')), messages.map((message) => message.toString('hex')));
    }), { numRuns: 60 });
  });

  it('a stream that is not LDAP is refused, not read as garbage', () => {
    assert.throws(() => new FrameSplitter().push(Buffer.from('HTTP/1.1 400 Bad Request\r\n')), /expected an LDAPMessage/);
  });

  it('property: an attribute\'s first value is read from the bytes under any case of its name; absent, undefined', () => {
    fc.assert(fc.property(entry, fc.string({ maxLength: 20 }), fc.boolean(), ({ id, dn, attributes: list }, stamp, present) => {
      const others = list.filter(([type]) => type.toLowerCase() !== 'modifytimestamp');
      const withStamp: Attributes = present ? [...others.slice(0, 2), ['ModifyTimeStamp', [stamp, 'second']], ...others.slice(2)] : others;
      const frame = entryMessage(id, dn, withStamp);
      const raw: RawEntry = { frame, opOffset: opOffset(frame) };
      assert.equal(rawAttributeValue(raw, 'modifytimestamp'), present ? Buffer.from(stamp).toString('latin1') : undefined);
    }), { numRuns: 100 });
  });

  it('property: leaving an attribute out of the digest makes it blind to that attribute only, under any case of its name', () => {
    fc.assert(fc.property(entry, fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }), fc.string({ minLength: 1, maxLength: 5 }), ({ id, dn, attributes: list }, stamp, otherStamp, extra) => {
      const others = list.filter(([type]) => type.toLowerCase() !== 'modifytimestamp');
      const digestOf = (entryAttributes: Attributes) => {
        const frame = entryMessage(id, dn, entryAttributes);
        return rawEntryDigest({ frame, opOffset: opOffset(frame) }, 'modifytimestamp');
      };
      const at = (value: string): Attributes => [...others.slice(0, 1), ['modifyTimestamp', [value]], ...others.slice(1)];
      assert.equal(digestOf(at(otherStamp)), digestOf(at(stamp)));
      assert.equal(digestOf(at(stamp)), digestOf(others), 'the same as an entry without it');
      assert.notEqual(digestOf([...at(stamp), ['description', [extra]]]), digestOf(at(stamp)));
    }), { numRuns: 100 });
  });

  it('property: the raw digest ignores the message id and changes with any byte of the entry', () => {
    fc.assert(fc.property(entry, fc.integer({ min: 1, max: 0x7fffffff }), fc.string({ minLength: 1, maxLength: 10 }), ({ id, dn, attributes: list }, otherId, extra) => {
      const digestOf = (messageId: number, entryDn: string, entryAttributes: Attributes) => {
        const frame = entryMessage(messageId, entryDn, entryAttributes);
        return rawEntryDigest({ frame, opOffset: opOffset(frame) });
      };
      const digest = digestOf(id, dn, list);
      assert.equal(digestOf(otherId, dn, list), digest);
      assert.notEqual(digestOf(id, dn + extra, list), digest);
      assert.notEqual(digestOf(id, dn, [...list, ['description', [extra]]]), digest);
    }), { numRuns: 100 });
  });

  it('raw digests are seeded with the decoder: the installed ldapts is the one RECORD_DECODER names', () => {
    const installed = (JSON.parse(readFileSync(new URL('../../../node_modules/ldapts/package.json', import.meta.url), 'utf8')) as { version: string }).version;
    // Upgrading ldapts may change how bytes become records: bump RECORD_DECODER with it, so that
    // entries stored under the old decoder are decoded again.
    assert.ok(RECORD_DECODER.startsWith(`ldapts ${installed};`), `${RECORD_DECODER} vs ldapts ${installed}`);
  });

  it('modifyTimestamp is left out of raw digests unless the mapping reads it; settings change the seed', () => {
    const reader = { settings: { url: 'ldap://x', bindDn: 'cn=r', secretEnv: 'S', baseDn: 'dc=x' }, password: 'p', attributes: ['uid', 'sn'], wantPhotos: false } as LdapReaderSpec;
    const digest: RecordDigestSpec = { attributes: ['sn', 'uid'], version: 'v1', photos: false, fixedInstitutionId: 1, eppnAttribute: 'uid' };
    assert.equal(timestampLeftOut({ reader, digest }), 'modifytimestamp');
    assert.equal(timestampLeftOut({ reader: { ...reader, attributes: ['uid', 'ModifyTimestamp'] }, digest }), undefined);
    assert.equal(timestampLeftOut({ reader, digest: { ...digest, eppnAttribute: 'modifyTimestamp' } }), undefined);
    assert.equal(timestampLeftOut({ reader: { ...reader, attributes: [] }, digest }), undefined, 'every attribute kept: nothing left out');
    const seed = rawDigestSeed({ reader, digest });
    assert.equal(rawDigestSeed({ reader, digest }), seed);
    for (const other of [
      { reader, digest: { ...digest, version: 'v2' } },
      { reader: { ...reader, wantPhotos: true }, digest },
      { reader: { ...reader, attributes: ['uid'] }, digest },
      { reader: { ...reader, settings: { ...reader.settings, keyAttribute: 'uid' } }, digest },
    ]) assert.notEqual(rawDigestSeed(other), seed);
  });

  describe('against a directory that misbehaves', () => {
    /** A server that accepts any bind, then does what `onSearch` says with the search. */
    async function fakeDirectory(onSearch: (socket: Socket) => void): Promise<{ server: Server; url: string }> {
      const server = createServer((socket) => {
        let requests = 0;
        socket.on('data', () => {
          requests += 1;
          if (requests === 1) {
            socket.write(tlv(0x30, [integer(1), tlv(0x61, [tlv(0x0a, Buffer.from([0])), tlv(0x04, Buffer.alloc(0)), tlv(0x04, Buffer.alloc(0))])]));
          } else {
            onSearch(socket);
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return { server, url: `ldap://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }
    const search = { baseDn: 'dc=x', scope: 'sub' as const, filter: '(uid=*)', attributes: ['uid'], binaryAttributes: [], pageSize: 10 };

    it('a connection closed in the middle of a page fails the read (ECONNRESET), never hangs', async () => {
      const { server, url } = await fakeDirectory((socket) => {
        socket.write(entryMessage(2, 'uid=a,dc=x', [['uid', ['a']]]));
        socket.destroy();
      });
      try {
        const wire = await LdapWire.open({ url, bindDn: 'cn=r', password: 'p', startTls: false, timeoutMs: 5_000 });
        await assert.rejects(async () => {
          for await (const page of wire.search(search)) assert.fail(`no page expected, got ${page.length}`);
        }, (error: unknown) => (error as { code?: string }).code === 'ECONNRESET');
        wire.close();
      } finally {
        server.close();
      }
    });

    it('an answer a search cannot have fails the page at once, not after the timeout', async () => {
      // An IntermediateResponse (0x79) under the search's id: not an entry, reference or result.
      const { server, url } = await fakeDirectory((socket) => socket.write(tlv(0x30, [integer(2), tlv(0x79, Buffer.alloc(0))])));
      try {
        const wire = await LdapWire.open({ url, bindDn: 'cn=r', password: 'p', startTls: false, timeoutMs: 10_000 });
        const started = Date.now();
        await assert.rejects(async () => {
          for await (const page of wire.search(search)) assert.fail(`no page expected, got ${page.length}`);
        }, /a search answered with operation 0x79/);
        assert.ok(Date.now() - started < 2_000);
        wire.close();
      } finally {
        server.close();
      }
    });

    it('a server repeating a paging cookie with empty pages is stopped, not followed forever', async () => {
      let pages = 0;
      const cookie = Buffer.from('same');
      const control = tlv(0x30, [tlv(0x04, Buffer.from('1.2.840.113556.1.4.319')), tlv(0x04, tlv(0x30, [integer(0), tlv(0x04, cookie)]))]);
      const { server, url } = await fakeDirectory((socket) => {
        pages += 1;
        socket.write(tlv(0x30, [integer(1 + pages), tlv(0x65, [tlv(0x0a, Buffer.from([0])), tlv(0x04, Buffer.alloc(0)), tlv(0x04, Buffer.alloc(0))]), tlv(0xa0, control)]));
      });
      try {
        const wire = await LdapWire.open({ url, bindDn: 'cn=r', password: 'p', startTls: false, timeoutMs: 5_000 });
        await assert.rejects(async () => {
          for await (const page of wire.search(search)) assert.equal(page.length, 0);
        }, /repeats a paging cookie/);
        assert.ok(pages <= 3);
        wire.close();
      } finally {
        server.close();
      }
    });

    it('a directory that stops answering fails the page after the timeout', async () => {
      const { server, url } = await fakeDirectory(() => undefined);
      try {
        const wire = await LdapWire.open({ url, bindDn: 'cn=r', password: 'p', startTls: false, timeoutMs: 300 });
        const started = Date.now();
        await assert.rejects(async () => {
          for await (const page of wire.search(search)) assert.fail(`no page expected, got ${page.length}`);
        }, /did not answer within 300 ms/);
        assert.ok(Date.now() - started < 3_000);
        wire.close();
      } finally {
        server.close();
      }
    });
  });
});
