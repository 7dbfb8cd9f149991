import QRCode from 'qrcode';
import type { Config } from '../../config.ts';
import { badRequest, notFound } from '../../platform/http/problem.ts';
import { ESCN_PATTERN, parseScannedEscn, validateEscn } from '../esc/domain/escn.ts';
import { inactiveReason, verificationStatus, type InactiveReason, type VerificationStatus } from './domain/verification-status.ts';

/** The card fields verification reads (one indexed lookup by ESCN). */
export interface VerificationCard {
  escn: string;
  state: string;
  expiresAt: string | null;
  cardKind: 'physical' | 'virtual';
  personId: string;
  photoId: string | null;
  /** The issuing institution. */
  institutionId: number;
  /** The card group: the issuing institution, or the federation whose members share the card. */
  cardGroup: number;
}

/** The institution fields verification shows. */
export interface VerificationIssuer {
  name: string;
  /** Null while the institution's PIC is not known. */
  pic: string | null;
  showHolderOnVerification: boolean;
}

/** What the public API answers. Never anything personal. */
export interface VerificationResult {
  status: VerificationStatus;
  escn: string;
  /** The institution that issued the card. */
  issuer: { name: string; pic: string };
  /** For a card shared by a federation's members (one card for all), the federation. */
  federation: { name: string } | null;
  expiresAt: string | null;
  cardType: string;
}

/** The holder as the page may show them (only with their consent and the institution's setting). */
export interface PublishedHolder {
  name: string;
  photo: { jpeg: Buffer } | null;
}

export interface VerificationDeps {
  config: Pick<Config, 'qrPrefix' | 'escCardType' | 'escVirtualCardType'>;
  /** The card with this (lowercase) ESCN, or undefined. Must be a single indexed query. */
  findCard(escn: string): Promise<VerificationCard | undefined>;
  /** The institution with this id, or undefined. */
  issuer(institutionId: number): Promise<VerificationIssuer | undefined>;
  /** The name of the federation whose members share the cards of this card group; undefined when none. */
  federationName(cardGroup: number): Promise<string | undefined>;
  /**
   * The holder's name and card photo, only if they consented to publication on the verification
   * page; undefined otherwise. Called only when the institution enabled the setting.
   */
  publishedHolder(personId: string, photoId: string | null): Promise<PublishedHolder | undefined>;
  now?: () => Date;
  /** How long an institution is cached (it is read on every verification otherwise). */
  issuerCacheMs?: number;
}

/** QR error correction level M, as the ESC specifies. */
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 2 } as const;

/**
 * Public card verification by ESCN (the number in the card's QR code) and the QR codes
 * themselves. Answers only the status, issuer, expiry and card type; the holder's name and photo
 * appear on the page only with their consent and the institution's setting.
 */
export function createVerificationService(deps: VerificationDeps) {
  const now = deps.now ?? (() => new Date());
  const cacheMs = deps.issuerCacheMs ?? 10_000;
  /** What a card's institution and card group show: the issuer, and the federation of a shared card. */
  interface IssuerShown {
    issuer: VerificationIssuer | undefined;
    federation: string | undefined;
  }
  // Keyed by `<institution id>:<card group>`: a deployment has a handful of these.
  const cached = new Map<string, { at: number; value: Promise<IssuerShown> }>();

  // Verifications come in bursts (a whole queue at a canteen): institutions change rarely, so
  // a few seconds of cache keep each verification to the one card lookup.
  function issuer(institutionId: number, cardGroup: number): Promise<IssuerShown> {
    const key = `${institutionId}:${cardGroup}`;
    const at = Date.now();
    const hit = cached.get(key);
    if (hit && at - hit.at <= cacheMs) return hit.value;
    const value = Promise.all([
      deps.issuer(institutionId),
      cardGroup === institutionId ? Promise.resolve(undefined) : deps.federationName(cardGroup),
    ]).then(([found, federation]) => ({ issuer: found, federation }));
    cached.set(key, { at, value });
    value.catch(() => {
      if (cached.get(key)?.value === value) cached.delete(key);
    });
    return value;
  }

  function parseEscn(raw: string): string {
    // The common case, a well-formed number, skips decoding what it encodes (not needed here).
    if (ESCN_PATTERN.test(raw)) return raw.toLowerCase();
    const checked = validateEscn(raw.trim().toLowerCase());
    if (!checked.valid) throw badRequest('invalid_escn', `Not a European Student Card Number: ${checked.reason}`, { field: 'params:/escn' });
    return checked.escn;
  }

  async function lookup(escn: string): Promise<{ card: VerificationCard; result: VerificationResult; issuer: VerificationIssuer | undefined } | undefined> {
    const card = await deps.findCard(escn);
    if (!card) return undefined;
    const shown = await issuer(card.institutionId, card.cardGroup);
    const institution = shown.issuer;
    const result: VerificationResult = {
      status: verificationStatus(card, now().toISOString().slice(0, 10)),
      escn: card.escn,
      // Without a known PIC the number itself tells the issuer's PIC.
      issuer: { name: institution?.name ?? '', pic: institution?.pic ?? escn.slice(-9) },
      federation: shown.federation !== undefined ? { name: shown.federation } : null,
      expiresAt: card.expiresAt,
      cardType: card.cardKind === 'virtual' ? deps.config.escVirtualCardType : deps.config.escCardType,
    };
    return { card, result, issuer: institution };
  }

  return {
    /** Normalises and validates an ESCN from a URL; 400 `invalid_escn` when malformed. */
    parseEscn,

    /** Extracts the ESCN from scanned QR text (ESC verifier prefixes and ours); 400 `invalid_escn` when none. */
    parseScanned(text: string): string {
      const checked = parseScannedEscn(text, [deps.config.qrPrefix]);
      if (!checked.valid) throw badRequest('invalid_escn', `No European Student Card Number in the scanned text: ${checked.reason}`, { field: 'querystring:/qr' });
      return checked.escn;
    },

    /** The public status of a card; 404 `card_not_found` for a number we did not issue. */
    async verify(escn: string): Promise<VerificationResult> {
      const found = await lookup(escn);
      if (!found) throw notFound('card_not_found', 'No card of this institution has this number');
      return found.result;
    },

    /**
     * What the page shows: the status and, for an ACTIVE card whose holder consented and whose
     * institution enabled it, the holder's name and photo; for an INACTIVE one, why (the page's
     * wording). Undefined for an unknown number.
     */
    async page(escn: string): Promise<{ result: VerificationResult; holder: PublishedHolder | undefined; inactiveReason: InactiveReason | undefined } | undefined> {
      const found = await lookup(escn);
      if (!found) return undefined;
      const show = found.issuer?.showHolderOnVerification === true && found.result.status === 'ACTIVE';
      const holder = show ? await deps.publishedHolder(found.card.personId, found.card.photoId) : undefined;
      return { result: found.result, holder, inactiveReason: found.result.status === 'INACTIVE' ? inactiveReason(found.card.state) : undefined };
    },

    /** What a card's QR code encodes: the verifier prefix and the ESCN. */
    qrContent(escn: string): string {
      return `${deps.config.qrPrefix}${escn}`;
    },

    /** The QR code as SVG markup. */
    async qrSvg(escn: string): Promise<string> {
      return QRCode.toString(`${deps.config.qrPrefix}${escn}`, { ...QR_OPTIONS, type: 'svg' });
    },

    /** The QR code as a PNG of `width` pixels. */
    async qrPng(escn: string, width = 512): Promise<Buffer> {
      return QRCode.toBuffer(`${deps.config.qrPrefix}${escn}`, { ...QR_OPTIONS, type: 'png', width });
    },

    /** Forgets the cached institutions (after a settings change in this process). */
    forgetIssuer(): void {
      cached.clear();
    },
  };
}

export type VerificationService = ReturnType<typeof createVerificationService>;
