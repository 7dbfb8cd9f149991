import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { CasError, createCasClient, parseLogoutRequest, parseServiceResponse, type CasClient } from './cas.client.ts';
import { logoutRequestXml, startCasSimulator, type RunningCasSimulator } from './cas.simulator.ts';

// The client and the simulator are held to one behaviour: what a CAS 3.0 server answers, read the
// way campuscard reads it. Real servers' answers (the specification's and Apereo's examples) are
// checked against the same parser, so the simulator cannot drift into a dialect of its own.

const SERVICE = 'https://campuscard.test/auth/sso/cas/callback?state=abc';
const OTHER_SERVICE = 'https://other.test/app';
const PASSWORD = 'correct horse';

const CAMILLE = {
  username: 'cmartin',
  password: PASSWORD,
  label: 'Camille Martin',
  attributes: {
    eduPersonPrincipalName: ['camille.martin@univ-demo.fr'],
    givenName: ['Camille'],
    sn: ['Martin & <Fils> "l’aînée"'],
    isMemberOf: ['univ-demo:etudiants', 'univ-demo:l3-info'],
    supannEtuId: ['0042'],
  },
};

interface Harness {
  sim: RunningCasSimulator;
  client: CasClient;
  clock: { now: number };
}

async function startHarness(extra: { allowService?: (service: string) => boolean; logoutCallback?: (service: string) => string | undefined } = {}): Promise<Harness> {
  const clock = { now: Date.parse('2026-12-06T10:00:00Z') };
  const sim = await startCasSimulator({
    users: [CAMILLE, { username: 'other', password: 'other password', attributes: {} }],
    now: () => clock.now,
    allowService: extra.allowService ?? ((service) => service.startsWith('https://campuscard.test/') || service.startsWith('http://127.0.0.1:')),
    ...(extra.logoutCallback ? { logoutCallback: extra.logoutCallback } : {}),
  });
  return { sim, client: createCasClient({ casUrl: sim.url, timeoutMs: 2_000 }), clock };
}

async function rejection(promise: Promise<unknown>): Promise<CasError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CasError, `expected a CasError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

/** Logs in through the simulator's form like a browser; answers the redirect and the SSO cookie. */
async function formLogin(sim: RunningCasSimulator, service: string, password = PASSWORD): Promise<{ status: number; location: string | null; cookie: string | undefined }> {
  const response = await fetch(`${sim.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'cmartin', password, service }).toString(),
    redirect: 'manual',
  });
  await response.text();
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  return { status: response.status, location: response.headers.get('location'), cookie };
}

function ticketOf(location: string | null): string {
  assert.ok(location);
  const ticket = new URL(location).searchParams.get('ticket') ?? '';
  assert.ok(ticket.startsWith('ST-'), `no ticket in ${location}`);
  return ticket;
}

describe('CAS client against the simulator', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.sim.close(); });

  it('builds login and logout URLs with the service URL encoded whole', () => {
    const login = new URL(h.client.loginUrl(SERVICE));
    assert.equal(login.pathname, '/login');
    assert.equal(login.searchParams.get('service'), SERVICE);
    assert.equal(new URL(h.client.loginUrl(SERVICE, { renew: true })).searchParams.get('renew'), 'true');
    assert.equal(new URL(h.client.logoutUrl('https://campuscard.test/')).searchParams.get('service'), 'https://campuscard.test/');
    assert.equal(h.client.logoutUrl(), `${h.sim.url}/logout`);
  });

  it('shows a login form naming the users, and refuses a wrong password without a ticket', async () => {
    const form = await fetch(h.client.loginUrl(SERVICE));
    assert.equal(form.status, 200);
    const html = await form.text();
    assert.match(html, /<form method="post"/);
    assert.match(html, /Camille Martin/);
    assert.match(html, /name="service" value="https:\/\/campuscard\.test\/auth\/sso\/cas\/callback\?state=abc"/);
    const wrong = await formLogin(h.sim, SERVICE, 'not the password');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.location, null);
  });

  it('validates a ticket from the form: the user and every attribute value, special characters intact', async () => {
    const login = await formLogin(h.sim, SERVICE);
    assert.equal(login.status, 303);
    assert.ok(login.location?.startsWith(`${SERVICE}&ticket=ST-`), String(login.location));
    const result = await h.client.validate(SERVICE, ticketOf(login.location));
    assert.equal(result.user, 'cmartin');
    assert.deepEqual(result.attributes, CAMILLE.attributes);
  });

  it('refuses a replayed ticket (INVALID_TICKET)', async () => {
    const ticket = h.sim.issueTicket('cmartin', SERVICE);
    await h.client.validate(SERVICE, ticket);
    const error = await rejection(h.client.validate(SERVICE, ticket));
    assert.equal(error.kind, 'rejected');
    assert.equal(error.code, 'INVALID_TICKET');
  });

  it('refuses an expired ticket (10 s by default), and accepts one just before', async () => {
    const fresh = h.sim.issueTicket('cmartin', SERVICE);
    const stale = h.sim.issueTicket('cmartin', SERVICE);
    h.clock.now += 9_999;
    assert.equal((await h.client.validate(SERVICE, fresh)).user, 'cmartin');
    h.clock.now += 2;
    const error = await rejection(h.client.validate(SERVICE, stale));
    assert.equal(error.code, 'INVALID_TICKET');
  });

  it('refuses a ticket issued for another service (INVALID_SERVICE), and the ticket is spent', async () => {
    const ticket = h.sim.issueTicket('cmartin', SERVICE);
    const foreign = await rejection(h.client.validate(OTHER_SERVICE, ticket));
    assert.equal(foreign.code, 'INVALID_SERVICE');
    // Even the right service cannot use it any more (specification: invalidated on any attempt).
    assert.equal((await rejection(h.client.validate(SERVICE, ticket))).code, 'INVALID_TICKET');
    // The service URL is compared exactly: another state parameter is another service.
    const again = h.sim.issueTicket('cmartin', SERVICE);
    assert.equal((await rejection(h.client.validate(SERVICE.replace('state=abc', 'state=abd'), again))).code, 'INVALID_SERVICE');
  });

  it('refuses what is not a service ticket before calling the server', async () => {
    for (const ticket of ['', 'PT-1-abc', 'ST-', `ST-${'a'.repeat(254)}`, 'ST-1 x', 'ST-1\n']) {
      const error = await rejection(h.client.validate(SERVICE, ticket));
      assert.equal(error.code, 'INVALID_TICKET_SPEC', JSON.stringify(ticket));
    }
    // The server says the same for a proxy ticket sent to it directly.
    const raw = await (await fetch(`${h.sim.url}/p3/serviceValidate?service=x&ticket=PT-1`)).text();
    assert.throws(() => parseServiceResponse(raw), (error: CasError) => error.code === 'INVALID_TICKET_SPEC');
    const missing = await (await fetch(`${h.sim.url}/p3/serviceValidate?ticket=ST-1`)).text();
    assert.throws(() => parseServiceResponse(missing), (error: CasError) => error.code === 'INVALID_REQUEST');
  });

  it('gives a ticket straight away within an SSO session, and the form again with renew=true', async () => {
    const login = await formLogin(h.sim, SERVICE);
    assert.ok(login.cookie?.startsWith('CASTGC=TGT-'));
    const again = await fetch(h.client.loginUrl(SERVICE), { headers: { cookie: login.cookie ?? '' }, redirect: 'manual' });
    assert.equal(again.status, 303);
    assert.equal((await h.client.validate(SERVICE, ticketOf(again.headers.get('location')))).user, 'cmartin');
    const renew = await fetch(h.client.loginUrl(SERVICE, { renew: true }), { headers: { cookie: login.cookie ?? '' }, redirect: 'manual' });
    assert.equal(renew.status, 200);
    assert.match(await renew.text(), /<form/);
  });

  it('never gives a ticket to, nor redirects to, a service outside its registry', async () => {
    const login = await fetch(h.client.loginUrl('https://evil.test/steal'), { redirect: 'manual' });
    assert.equal(login.status, 403);
    const posted = await formLogin(h.sim, 'https://evil.test/steal');
    assert.equal(posted.status, 403);
    assert.equal(posted.location, null);
    const logout = await fetch(h.client.logoutUrl('https://evil.test/'), { redirect: 'manual' });
    assert.equal(logout.status, 200);
    assert.equal(logout.headers.get('location'), null);
  });
});

describe('CAS single logout', () => {
  let h: Harness;
  let receiver: Server;
  let receiverUrl = '';
  const received: Array<{ path: string; type: string | undefined; body: string }> = [];
  before(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => { body += chunk.toString('utf8'); });
      request.on('end', () => {
        received.push({ path: request.url ?? '', type: request.headers['content-type'], body });
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    h = await startHarness({ logoutCallback: (service) => (service.includes('nologout') ? undefined : service) });
  });
  after(async () => {
    await h.sim.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it('POSTs a logoutRequest naming the ticket to the service it was validated for, then follows service', async () => {
    const service = `${receiverUrl}/auth/sso/cas/callback?state=s1`;
    const login = await formLogin(h.sim, service);
    const ticket = ticketOf(login.location);
    await h.client.validate(service, ticket);
    const logout = await fetch(h.client.logoutUrl(`${receiverUrl}/`), { headers: { cookie: login.cookie ?? '' }, redirect: 'manual' });
    assert.equal(logout.status, 303);
    assert.equal(logout.headers.get('location'), `${receiverUrl}/`);
    assert.match(String(logout.headers.get('set-cookie')), /CASTGC=;.*Max-Age=0/);
    assert.equal(received.length, 1);
    assert.equal(received[0]?.path, '/auth/sso/cas/callback?state=s1');
    assert.equal(received[0]?.type, 'application/x-www-form-urlencoded');
    const xml = new URLSearchParams(received[0]?.body).get('logoutRequest') ?? '';
    assert.equal(parseLogoutRequest(xml)?.sessionIndex, ticket);
    // The session is over: the next login shows the form.
    const next = await fetch(h.client.loginUrl(service), { headers: { cookie: login.cookie ?? '' }, redirect: 'manual' });
    assert.equal(next.status, 200);
  });

  it('sends nothing for tickets never validated, nor to services without a logout callback', async () => {
    received.length = 0;
    const unvalidated = await formLogin(h.sim, `${receiverUrl}/a`);
    await fetch(h.client.logoutUrl(), { headers: { cookie: unvalidated.cookie ?? '' } });
    const quiet = `${receiverUrl}/nologout`;
    const login = await formLogin(h.sim, quiet);
    await h.client.validate(quiet, ticketOf(login.location));
    assert.deepEqual(await h.sim.logoutUser('cmartin'), []);
    assert.equal(received.length, 0);
  });

  it('reads logoutRequests whatever their prefixes, and nothing else', () => {
    const at = new Date('2026-12-06T10:00:00Z');
    assert.equal(parseLogoutRequest(logoutRequestXml('ST-42-abc-cas01', at))?.sessionIndex, 'ST-42-abc-cas01');
    const unprefixed = '<LogoutRequest xmlns="urn:oasis:names:tc:SAML:2.0:protocol" ID="LR-1" Version="2.0" IssueInstant="2026-12-06T10:00:00Z">'
      + '<NameID xmlns="urn:oasis:names:tc:SAML:2.0:assertion">@NOT_USED@</NameID><SessionIndex>\n  ST-7-x\n</SessionIndex></LogoutRequest>';
    assert.deepEqual(parseLogoutRequest(unprefixed), { sessionIndex: 'ST-7-x', id: 'LR-1' });
    for (const bad of ['', 'not xml', '<samlp:LogoutRequest xmlns:samlp="x"><samlp:SessionIndex>TGT-1</samlp:SessionIndex></samlp:LogoutRequest>',
      '<Other><SessionIndex>ST-1-a</SessionIndex></Other>', '<!DOCTYPE x [<!ENTITY e "ST-1-a">]><LogoutRequest><SessionIndex>&e;</SessionIndex></LogoutRequest>']) {
      assert.equal(parseLogoutRequest(bad), undefined, bad);
    }
  });
});

describe('CAS client facing real servers\' answers and broken ones', () => {
  // A stand-in for a CAS server answering whatever a test sets, and counting every request.
  let server: Server;
  let base = '';
  let answer: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => response.end();
  const requests: string[] = [];
  before(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      answer(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const client = () => createCasClient({ casUrl: `${base}/cas/`, timeoutMs: 300 });
  const serve = (status: number, body: string, type = 'application/xml') => {
    answer = (_request, response) => {
      response.writeHead(status, { 'content-type': type });
      response.end(body);
    };
  };

  it('sends service and ticket to /p3/serviceValidate, encoded', async () => {
    requests.length = 0;
    serve(200, '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user>u</cas:user></cas:authenticationSuccess></cas:serviceResponse>');
    assert.deepEqual(await client().validate(SERVICE, 'ST-1-a'), { user: 'u', attributes: {} });
    const sent = new URL(requests[0] ?? '', base);
    assert.equal(sent.pathname, '/cas/p3/serviceValidate');
    assert.equal(sent.searchParams.get('service'), SERVICE);
    assert.equal(sent.searchParams.get('ticket'), 'ST-1-a');
  });

  it('reads the specification\'s success example, Apereo\'s metadata attributes and the older name/value form', () => {
    const apereo = `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
      <cas:authenticationSuccess>
        <cas:user>username</cas:user>
        <cas:attributes>
          <cas:firstname>John</cas:firstname>
          <cas:affiliation>staff</cas:affiliation>
          <cas:affiliation>faculty</cas:affiliation>
          <cas:isFromNewLogin>true</cas:isFromNewLogin>
        </cas:attributes>
        <cas:proxyGrantingTicket>PGTIOU-84678-8a9d</cas:proxyGrantingTicket>
      </cas:authenticationSuccess>
    </cas:serviceResponse>`;
    assert.deepEqual(parseServiceResponse(apereo), {
      user: 'username', attributes: { firstname: ['John'], affiliation: ['staff', 'faculty'], isFromNewLogin: ['true'] },
    });
    const older = `<?xml version="1.0" encoding="UTF-8"?><serviceResponse xmlns="http://www.yale.edu/tp/cas"><authenticationSuccess>
      <user>jdupont</user><attributes><attribute name="mail" value="j.dupont@univ.fr"/><attribute name="memberOf" value="g1"/>
      <attribute name="memberOf" value="g2"/></attributes></authenticationSuccess></serviceResponse>`;
    assert.deepEqual(parseServiceResponse(older), { user: 'jdupont', attributes: { mail: ['j.dupont@univ.fr'], memberOf: ['g1', 'g2'] } });
  });

  it('reads CDATA literally, decodes entities and character references, and drops empty values', () => {
    const xml = `<c:serviceResponse xmlns:c="http://www.yale.edu/tp/cas"><c:authenticationSuccess><c:user> j&amp;d </c:user><c:attributes>
      <c:displayName><![CDATA[Inès & <Co> &amp;]]></c:displayName><c:sn>Lef&#232;vre&#x2019;s</c:sn><c:mail/><c:mail>  </c:mail>
      </c:attributes></c:authenticationSuccess></c:serviceResponse>`;
    assert.deepEqual(parseServiceResponse(xml), { user: 'j&d', attributes: { displayName: ['Inès & <Co> &amp;'], sn: ['Lefèvre’s'] } });
  });

  it('reads the specification\'s failure example; an unknown failure code reads as INVALID_TICKET', async () => {
    serve(200, `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">
      <cas:authenticationFailure code="INVALID_TICKET">
        Ticket ST-1856339-aA5Yuvrxzpv8Tau1cYQ7 not recognized
      </cas:authenticationFailure></cas:serviceResponse>`);
    const known = await rejection(client().validate(SERVICE, 'ST-1856339-aA5Yuvrxzpv8Tau1cYQ7'));
    assert.deepEqual([known.kind, known.code, known.message], ['rejected', 'INVALID_TICKET', 'Ticket ST-1856339-aA5Yuvrxzpv8Tau1cYQ7 not recognized']);
    serve(200, '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationFailure code="SOMETHING_NEW">x</cas:authenticationFailure></cas:serviceResponse>');
    assert.equal((await rejection(client().validate(SERVICE, 'ST-1-a'))).code, 'INVALID_TICKET');
  });

  it('turns malformed answers into clean BAD_RESPONSE errors', async () => {
    const cases: Array<[number, string, string?]> = [
      [200, '<html><body>Maintenance</body></html>', 'text/html'],
      [200, ''],
      [200, 'not xml at all'],
      [200, '<cas:serviceResponse xmlns:cas="x"><cas:authenticationSuccess>'],
      [200, '<cas:serviceResponse xmlns:cas="x"></cas:serviceResponse>'],
      [200, '<cas:serviceResponse xmlns:cas="x"><cas:authenticationSuccess><cas:user> </cas:user></cas:authenticationSuccess></cas:serviceResponse>'],
      [200, '<cas:serviceResponse xmlns:cas="x"/><second/>'],
      [200, `<a>${'<b>'.repeat(200)}${'</b>'.repeat(200)}</a>`],
      [404, 'Not found', 'text/plain'],
      [200, `<cas:serviceResponse xmlns:cas="x"><cas:authenticationSuccess><cas:user>${'x'.repeat(300_000)}</cas:user></cas:authenticationSuccess></cas:serviceResponse>`],
    ];
    for (const [status, body, type] of cases) {
      serve(status, body, type);
      const error = await rejection(client().validate(SERVICE, 'ST-1-a'));
      assert.equal(error.kind, 'bad_response', `${status} ${body.slice(0, 60)}: ${error.message}`);
    }
  });

  it('never resolves entities: no external fetch (XXE), no expansion (billion laughs)', async () => {
    requests.length = 0;
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "${base}/secret">]>`
      + '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user>&x;</cas:user></cas:authenticationSuccess></cas:serviceResponse>';
    serve(200, xxe);
    assert.equal((await rejection(client().validate(SERVICE, 'ST-1-a'))).code, 'BAD_RESPONSE');
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) =>
      `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>`
      + '<cas:serviceResponse xmlns:cas="x"><cas:authenticationSuccess><cas:user>&lol9;</cas:user></cas:authenticationSuccess></cas:serviceResponse>';
    serve(200, laughs);
    assert.equal((await rejection(client().validate(SERVICE, 'ST-1-a'))).code, 'BAD_RESPONSE');
    assert.deepEqual(requests.map((url) => new URL(url, base).pathname), ['/cas/p3/serviceValidate', '/cas/p3/serviceValidate']);
  });

  it('does not follow redirects', async () => {
    requests.length = 0;
    answer = (_request, response) => {
      response.writeHead(302, { location: `${base}/elsewhere` });
      response.end();
    };
    assert.equal((await rejection(client().validate(SERVICE, 'ST-1-a'))).kind, 'bad_response');
    assert.equal(requests.length, 1);
  });

  it('reports an outage as UNREACHABLE: HTTP 5xx pages, a silent server, a closed port', async () => {
    serve(503, '<html>Service Unavailable</html>', 'text/html');
    assert.equal((await rejection(client().validate(SERVICE, 'ST-1-a'))).code, 'UNREACHABLE');
    answer = () => undefined;
    const started = Date.now();
    const silent = await rejection(client().validate(SERVICE, 'ST-1-a'));
    assert.equal(silent.code, 'UNREACHABLE');
    assert.match(silent.message, /300 ms/);
    assert.ok(Date.now() - started < 2_000);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await rejection(createCasClient({ casUrl: `http://127.0.0.1:${port}/cas` }).validate(SERVICE, 'ST-1-a'));
    assert.equal(refused.code, 'UNREACHABLE');
  });
});

describe('CAS answers: simulator writes, client reads (property)', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.sim.close(); });

  it('any printable attribute values survive the round trip (trimmed, empty dropped)', async () => {
    const char = fc.oneof(
      fc.constantFrom('<', '>', '&', '"', "'", ' ', ']]>', '&amp;', 'é', '’', '\u00a0', '\u202f', '😀', '\t'),
      fc.string({ minLength: 1, maxLength: 3 }),
    );
    const value = fc.array(char, { maxLength: 8 }).map((parts) => parts.join('').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\r\n\ufffe\uffff]/g, ''));
    await fc.assert(fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 4 }), async (values) => {
      const sim = await startCasSimulator({ users: [{ username: 'p', password: 'x', attributes: { cn: values } }] });
      try {
        const client = createCasClient({ casUrl: sim.url });
        const result = await client.validate(SERVICE, sim.issueTicket('p', SERVICE));
        const expected = values.map((v) => v.trim()).filter((v) => v !== '');
        assert.deepEqual(result.attributes.cn ?? [], expected);
      } finally {
        await sim.close();
      }
    }), { numRuns: 60 });
  });
});
