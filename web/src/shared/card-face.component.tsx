import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { readableTextOn } from './color-contrast.ts';
import { formatDate } from './format.ts';
import { apiUrl } from '../api/api-client.ts';
import type { Card } from '../api/api-types.ts';
import type { Branding } from './use-institution.hook.ts';
import './card-face.css';

export interface CardFaceProps {
  institutionName: string;
  colors?: { primary: string; secondary: string } | undefined;
  logoUrl?: string | null | undefined;
  firstName: string;
  lastName: string;
  personType: string;
  expiresAt?: string | null | undefined;
  escn?: string | null | undefined;
  /** The photo: an <img>, or the live <canvas> of the photo editor. */
  photo?: ReactNode;
  /** URL of the QR code SVG, printed small on the face. */
  qrUrl?: string | null | undefined;
  /** `print`: exactly ISO/IEC 7810 ID-1 (85.60 x 53.98 mm); `screen`: fills its container's width. */
  size?: 'screen' | 'print';
  /** Greyed out with a stripe, for a card that does not work (disabled, expired). */
  inactive?: boolean;
  testId?: string;
}

/**
 * The face fields of an existing card and the branding of the institution that issued it; pages
 * add the photo, QR code and size. One place decides what a printed, previewed or virtual card
 * shows. A branding of another institution (the deployment's, when the issuer's cannot be read)
 * lends its colours only: the name is always the issuer's.
 */
export function cardFaceOf(card: Card, branding: Branding | null | undefined) {
  const issuer = branding && (!branding.code || !card.institution || branding.code === card.institution) ? branding : undefined;
  const logoUrl = issuer?.hasLogo ? (issuer.code ? apiUrl(`/institutions/${encodeURIComponent(issuer.code)}/logo`) : '/api/v1/institution/logo') : null;
  return {
    // A virtual card kept offline by an older version has no institution name: the branding's then.
    institutionName: card.institutionName ?? branding?.name ?? 'campuscard',
    colors: branding?.colors,
    logoUrl,
    firstName: card.holder.firstName,
    lastName: card.holder.lastName,
    personType: card.holder.personType,
    expiresAt: card.expiresAt,
    escn: card.escn,
  } satisfies Partial<CardFaceProps>;
}

/**
 * The front of a card: institution band (logo, name, colours), photo, names, holder type,
 * expiry, ESCN and QR code. The same component draws the virtual card, the live preview of a
 * request and the print sheet, so what the person sees is what gets printed.
 */
export function CardFace(props: CardFaceProps) {
  const { t } = useTranslation();
  const primary = props.colors?.primary ?? '#1d4f91';
  const secondary = props.colors?.secondary ?? '#e8eef7';
  const style = {
    '--card-primary': primary,
    '--card-on-primary': readableTextOn(primary),
    '--card-secondary': secondary,
    '--card-on-secondary': readableTextOn(secondary),
  } as CSSProperties;
  return (
    <div
      className={`card-face card-face--${props.size ?? 'screen'}${props.inactive ? ' card-face--inactive' : ''}`}
      style={style}
      data-testid={props.testId ?? 'card-face'}
      role="img"
      aria-label={t('cardFace.label', { name: `${props.firstName} ${props.lastName}`, institution: props.institutionName })}
    >
      <div className="card-face__band">
        {props.logoUrl ? <img className="card-face__logo" src={props.logoUrl} alt="" /> : null}
        <div className="card-face__institution">{props.institutionName}</div>
        <div className="card-face__kind">{t(`personType.${props.personType}`, { defaultValue: props.personType })}</div>
      </div>
      <div className="card-face__body">
        <div className="card-face__photo">{props.photo}</div>
        <div className="card-face__info">
          <div className="card-face__last-name">{props.lastName.toUpperCase()}</div>
          <div className="card-face__first-name">{props.firstName}</div>
          {props.expiresAt ? (
            <div className="card-face__line"><span className="card-face__label">{t('cardFace.validUntil')}</span> {formatDate(props.expiresAt)}</div>
          ) : null}
          {props.escn ? (
            <div className="card-face__line card-face__escn"><span className="card-face__label">ESCN</span> {props.escn}</div>
          ) : null}
        </div>
        {props.qrUrl ? <img className="card-face__qr" src={props.qrUrl} alt="" /> : null}
      </div>
    </div>
  );
}
