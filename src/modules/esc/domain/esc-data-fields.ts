import type { EscAcademicLevel, EscCardStatusType, EscCardType } from '../../../adapters/esc-router/esc-router.types.ts';
import type { ConnectorDataFields } from '../../people/domain/personal-data-fields.ts';

/**
 * The personal data the ESC sync sends to the ESC Router, each with the router body properties
 * that carry it (`person.` = PersonUpdateView, `card.` = CardUpdateView). This is the definition
 * the router bodies are built from ({@link EscDataValues}) and the one the ESC consent summary
 * lists to the cardholder: adding a property to a body means adding its field here, and a test
 * fails when a body carries a property this list does not name, or names one no body carries.
 * The card expiry sent is the earlier of the card's expiry and the holder's rights end.
 */
export const ESC_DATA_FIELDS = {
  fullName: ['person.fullName'],
  email: ['person.personOrganisationUpdateViews.email'],
  esi: ['person.identifier', 'card.personIdentifier'],
  academicLevel: ['person.personOrganisationUpdateViews.academicLevel'],
  institutionPic: ['person.personOrganisationUpdateViews.organisationIdentifier', 'card.issuerIdentifier'],
  escn: ['card.cardNumber'],
  cardKind: ['card.cardType'],
  cardState: ['card.cardStatusType'],
  cardIssueDate: ['card.issuedAt'],
  cardExpiry: ['card.expiresAt'],
} as const satisfies ConnectorDataFields;

/** Body properties that are the same for everyone: no personal data. */
export const ESC_FIXED_PROPERTIES: readonly string[] = ['person.identifierCode'];

/** One field the ESC sync sends. */
export type EscDataField = keyof typeof ESC_DATA_FIELDS;

interface EscDataValueTypes {
  fullName: string;
  /** Undefined: not sent. */
  email: string | undefined;
  esi: string;
  /** Undefined: not sent. */
  academicLevel: EscAcademicLevel | undefined;
  institutionPic: string;
  escn: string;
  cardKind: EscCardType;
  cardState: EscCardStatusType;
  /** yyyy-MM-dd */
  cardIssueDate: string;
  /** yyyy-MM-dd */
  cardExpiry: string;
}

/**
 * One value per field of {@link ESC_DATA_FIELDS}, and no other: the only inputs of the router
 * bodies. A field missing from the definition is missing here too, so a body cannot read it.
 */
export type EscDataValues = { [F in EscDataField]: EscDataValueTypes[F] };
