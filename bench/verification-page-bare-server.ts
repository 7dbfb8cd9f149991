import { createServer, type ServerResponse } from 'node:http';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import { ESCN_PATTERN, parseScannedEscn } from '../src/modules/esc/domain/escn.ts';
import { renderVerificationPage, type PageContent } from '../src/modules/verification/domain/verification-page.ts';
import { inactiveReason, verificationStatus } from '../src/modules/verification/domain/verification-status.ts';

/** The app's verification lookup, written the same way (cards.repository.ts, VERIFICATION_SQL). */
const LOOKUP_SQL = 'SELECT escn, state, expires_at AS "expiresAt", card_kind AS "cardKind", institution_id AS "institutionId", '
  + 'card_group AS "cardGroup" FROM cards WHERE escn = $1';

interface LookupRow { escn: string; state: string; expiresAt: string | null; cardKind: string; institutionId: number; cardGroup: number }

/**
 * The floor of the verification page benchmark, in its own process (its memory is its own and it
 * shares no event loop with the load generator): a plain node:http server answering `/v/<escn>`
 * and `/v?qr=` with the same lookup (the same SQL on a pg pool of the same size), the same status
 * rules and the same `renderVerificationPage` as the app, with no framework, validation, rate
 * limit, ETag or extra headers. Configured like the app (same QR prefix and card types) from the
 * environment the benchmark gives both. Prints `{"port":n}` once listening; stops on SIGTERM.
 * Usage: node --import tsx bench/verification-page-bare-server.ts
 */
async function bare(config: Config): Promise<number> {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
  // The app caches institutions for 10 s; the floor reads them once.
  const institutions = new Map((await pool.query<{ id: number; name: string; pic: string | null }>('SELECT id, name, pic FROM institutions')).rows
    .map((row) => [row.id, row] as const));
  const send = (response: ServerResponse, status: number, content: PageContent, path: string) => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    response.end(renderVerificationPage(content, 'fr', path));
  };
  const server = createServer((request, response) => {
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    let escn: string | undefined;
    if (path.startsWith('/v/')) {
      const raw = decodeURIComponent(path.slice(3));
      escn = ESCN_PATTERN.test(raw) ? raw.toLowerCase() : undefined;
    } else {
      const checked = parseScannedEscn(new URLSearchParams(url.slice(query + 1)).get('qr') ?? '', [config.qrPrefix]);
      escn = checked.valid ? checked.escn : undefined;
    }
    if (escn === undefined) return send(response, 400, { kind: 'invalid' }, '/v/');
    const found = escn;
    pool.query<LookupRow>(LOOKUP_SQL, [found]).then(({ rows }) => {
      const card = rows[0];
      if (!card) return send(response, 404, { kind: 'unknown', escn: found }, `/v/${found}`);
      const status = verificationStatus(card, new Date().toISOString().slice(0, 10));
      const issuer = institutions.get(card.institutionId);
      send(response, 200, {
        kind: 'card', status, inactiveReason: status === 'INACTIVE' ? inactiveReason(card.state) : undefined, escn: card.escn,
        issuer: { name: issuer?.name ?? '', pic: issuer?.pic ?? found.slice(-9) },
        federation: card.cardGroup === card.institutionId ? null : { name: institutions.get(card.cardGroup)?.name ?? '' },
        expiresAt: card.expiresAt, cardType: card.cardKind === 'virtual' ? config.escVirtualCardType : config.escCardType,
      }, `/v/${found}`);
    }, () => {
      response.writeHead(500);
      response.end();
    });
  });
  process.once('SIGTERM', () => {
    server.close();
    void pool.end().then(() => process.exit(0));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve(typeof address === 'object' && address ? address.port : 0);
  }));
}

const port = await bare(loadConfig());
process.stdout.write(`${JSON.stringify({ port })}\n`);
