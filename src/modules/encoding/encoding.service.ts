/**
 * Encoding stations: one API gives a station what to write on a card's chip and takes back the
 * chip's serial number (CSN).
 *
 * A station (office staff, or a `station` API token, of the card's institution and holder type)
 * starts a **one-time session** for a card that is being printed or encoded (IN_PRINT, PRINTED,
 * IN_ENCODE). The answer holds what to write: the ESCN as the ESC application's content, the
 * card's access-control and secondary ids, the CROUS card number when the institution's CROUS
 * connector works through the API, and the DESFire layout (domain/desfire-layout.ts). The station
 * closes the session by reporting the CSN with the session's secret: the cards context binds it
 * with its usual checks (CSN form, a chip already on a live card, the state machine) and moves the
 * card to ENCODED. A session is used once (claimed in one statement), expires after
 * `SESSION_MINUTES`, and only its secret's SHA-256 is stored. A refused report gives the session
 * back, so the station may report again before it expires. Sessions closed or expired more than
 * {@link SESSION_RETENTION_DAYS} days ago are deleted by a daily job (`purge`): the card's history
 * and the audit log keep what they did.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { inTransaction, type ActorContext, type Executor } from '../../platform/db/database.ts';
import { conflict, forbidden, notFound } from '../../platform/http/problem.ts';
import type { Principal } from '../auth/domain/roles.ts';
import type { CardDetailView, CardView } from '../cards/cards.service.ts';
import { DESFIRE_LAYOUT, type DesfireLayout } from './domain/desfire-layout.ts';
import * as repo from './encoding.repository.ts';

/** Minutes a session may be closed in. */
export const SESSION_MINUTES = 10;
/** Days a closed or expired session is kept (to answer a late station, and for a look while investigating). */
export const SESSION_RETENTION_DAYS = 7;
/** The states a card is encoded in (a one-pass station encodes while printing). */
const ENCODABLE_STATES: ReadonlySet<string> = new Set(['IN_PRINT', 'PRINTED', 'IN_ENCODE']);

/** What this context needs from the cards context. */
export interface EncodingCardsPort {
  /** The card as the principal may read it (404 otherwise), with its history. */
  get(cardId: string, principal: Principal): Promise<CardDetailView>;
  /** The encoding report: binds the CSN and moves the card to ENCODED (4xx problems otherwise). */
  bindCsn(cardId: string, input: { csn: string; form: string; byteLength?: number | undefined }, principal: Principal, context: ActorContext): Promise<CardView>;
}

export interface EncodingDeps {
  db: Kysely<Database>;
  cards: EncodingCardsPort;
  identifiers: { ofCards(executor: Executor, cardIds: string[]): Promise<Map<string, { accessControlId: string | null; secondaryId: string | null }>> };
  /** The CROUS card number (idZdc) the CROUS connector gives this card; null when it gives none. */
  crousCardNumber?: (executor: Executor, card: { id: string; institutionId: number; firstMoveSeq: number | null }) => Promise<number | null>;
  now?: () => Date;
}

/** What a station writes on the chip, per application of the layout. */
export interface WhatToWrite {
  /** The ESC application's content; null when the card has no ESCN (its institution has no PIC yet). */
  esc: { escn: string; bytesHex: string } | null;
  accessControlId: string | null;
  secondaryId: string | null;
  crousCardNumber: number | null;
}

/** A started session: its secret is shown here only. */
export interface StartedEncodingSession {
  session: { id: string; secret: string; expiresAt: string };
  card: { id: string; state: string; institution: string; holder: { firstName: string; lastName: string } };
  write: WhatToWrite;
  layout: DesfireLayout;
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The ESC application's 16 bytes: the ESCN's hexadecimal digits without hyphens, upper case. */
export function escBytesHex(escn: string): string {
  return escn.replace(/-/g, '').toUpperCase();
}

/** Builds the service. */
export function createEncodingService(deps: EncodingDeps) {
  const { db, cards } = deps;
  const now = deps.now ?? (() => new Date());

  function sessionNotFound() {
    return notFound('encoding_session_not_found', 'No such encoding session');
  }

  return {
    /**
     * Deletes the sessions closed, or expired unclosed, more than {@link SESSION_RETENTION_DAYS}
     * days ago; answers how many. Running it again deletes nothing more.
     */
    async purge(context: ActorContext): Promise<number> {
      const before = new Date(now().getTime() - SESSION_RETENTION_DAYS * 24 * 3600 * 1000);
      return inTransaction(db, context, (trx) => repo.deleteFinishedSessions(trx, before));
    },

    /** The DESFire layout campuscard expects (data only). */
    layout(): DesfireLayout {
      return DESFIRE_LAYOUT;
    },

    /**
     * Starts a one-time session for a card the principal may encode. 404 `card_not_found` outside
     * their institutions or types; 409 `not_encodable` for a card not being printed or encoded.
     */
    async start(cardId: string, principal: Principal, context: ActorContext): Promise<StartedEncodingSession> {
      const card = await cards.get(cardId, principal);
      if (!ENCODABLE_STATES.has(card.state)) {
        throw conflict('not_encodable', `A ${card.state} card is not being encoded: encode cards in IN_PRINT, PRINTED or IN_ENCODE`);
      }
      const identifiers = (await deps.identifiers.ofCards(db, [card.id])).get(card.id);
      const firstMoveSeq = card.history.length > 0 ? Math.min(...card.history.map((move) => move.seq)) : null;
      const crousCardNumber = deps.crousCardNumber
        ? await deps.crousCardNumber(db, { id: card.id, institutionId: card.institutionId, firstMoveSeq })
        : null;
      const secret = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now().getTime() + SESSION_MINUTES * 60_000);
      const row = await inTransaction(db, context, (trx) => repo.insertSession(trx, {
        cardId: card.id, institutionId: card.institutionId, holderPersonType: card.holder.personType,
        secretHash: hashSecret(secret), createdBy: principal.actor, expiresAt,
      }));
      return {
        session: { id: row.id, secret, expiresAt: expiresAt.toISOString() },
        card: { id: card.id, state: card.state, institution: card.institution, holder: { firstName: card.holder.firstName, lastName: card.holder.lastName } },
        write: {
          esc: card.escn ? { escn: card.escn, bytesHex: escBytesHex(card.escn) } : null,
          accessControlId: identifiers?.accessControlId ?? null,
          secondaryId: identifiers?.secondaryId ?? null,
          crousCardNumber,
        },
        layout: DESFIRE_LAYOUT,
      };
    },

    /**
     * Closes a session with the CSN the station read: claims it (secret, open, unexpired, within
     * the principal's scope), then makes the cards context's encoding report as the principal.
     * 404 `encoding_session_not_found` (also another institution's), 409 `encoding_session_used`,
     * `encoding_session_expired`, 403 `encoding_secret_invalid`; the report's own problems
     * (`csn_invalid`, `csn_taken`, state conflicts) give the session back.
     */
    async report(sessionId: string, input: { secret: string; csn: string; form: string; byteLength?: number | undefined }, principal: Principal, context: ActorContext): Promise<{ card: CardView; session: { id: string; closedAt: string; csn: string } }> {
      const at = now();
      const claimed = await inTransaction(db, context, (trx) => repo.claimSession(trx, sessionId, hashSecret(input.secret), principal, principal.actor, at));
      if (!claimed) {
        const seen = await repo.findSession(db, sessionId, principal);
        if (!seen) throw sessionNotFound();
        if (seen.secretHash !== hashSecret(input.secret)) throw forbidden('This is not the session\'s secret', 'encoding_secret_invalid');
        if (seen.closedAt !== null) throw conflict('encoding_session_used', 'This encoding session was already closed: start another one');
        throw conflict('encoding_session_expired', `Encoding sessions last ${SESSION_MINUTES} minutes: start another one`);
      }
      let card: CardView;
      try {
        card = await cards.bindCsn(claimed.cardId, { csn: input.csn, form: input.form, byteLength: input.byteLength }, principal, context);
      } catch (error) {
        await inTransaction(db, context, (trx) => repo.releaseSession(trx, sessionId));
        throw error;
      }
      const csn = card.csn?.hex ?? input.csn;
      await inTransaction(db, context, (trx) => repo.recordCsn(trx, sessionId, csn));
      return { card, session: { id: sessionId, closedAt: at.toISOString(), csn } };
    },
  };
}

export type EncodingService = ReturnType<typeof createEncodingService>;
