/**
 * The vocabulary of personal data that leaves campuscard under a consent. Each connector (ESC
 * Router, CROUS, the public verification page) declares, next to the code that builds what it
 * sends, which of these fields it sends and in which payload properties; the consent summaries the
 * cardholder reads ("Ce qui est partagé") are generated from those same declarations, so the
 * summary cannot say less than what is sent. The web app labels each id with the locale key
 * `consents.fields.<id>`.
 */

/** Every item of personal data a consent can cover, in the order summaries list them. */
export const PERSONAL_DATA_FIELDS = [
  'fullName',
  'birthDate',
  'email',
  'photo',
  'eppn',
  'ine',
  'esi',
  'academicLevel',
  'rightsEnd',
  'crousTariff',
  'institutionPic',
  'institutionUai',
  'escn',
  'crousCardNumber',
  'cardCsn',
  'cardKind',
  'cardState',
  'cardSuspensionReason',
  'cardIssueDate',
  'cardExpiry',
] as const;

/** One item of personal data a consent can cover. */
export type PersonalDataField = (typeof PERSONAL_DATA_FIELDS)[number];

/**
 * What one connector sends: each personal data field with the payload properties that carry it
 * (paths such as `card.expiresAt`, for tests and readers). A field absent here is never sent.
 */
export type ConnectorDataFields = Readonly<Partial<Record<PersonalDataField, readonly string[]>>>;

/** The field ids a connector sends, in {@link PERSONAL_DATA_FIELDS} order (stable for display). */
export function connectorFieldIds(definition: ConnectorDataFields): PersonalDataField[] {
  return PERSONAL_DATA_FIELDS.filter((field) => definition[field] !== undefined);
}
