import type { ConnectorDataFields } from '../../people/domain/personal-data-fields.ts';

/**
 * The personal data a CROUS connector sends (from the CROUS/Izly interface description the card office receives), each with the API
 * properties that carry it: `rightHolder.` (the Izly account) and `smartCard.` (the card). The
 * file exchange carries the same fields (identifier, INE, names, birth date, e-mail, UAI,
 * tariff, due date). No connector exists yet, but the CROUS consent does, and the summary the
 * cardholder reads is generated from this list: the future connector must build its payloads
 * from it, and its tests must check that every property it sends is declared here (as the ESC
 * sync does with `ESC_DATA_FIELDS`).
 */
export const CROUS_DATA_FIELDS = {
  fullName: ['rightHolder.firstName', 'rightHolder.lastName'],
  birthDate: ['rightHolder.simpleBirthDate'],
  email: ['rightHolder.email'],
  // The account identifier: the INE when the institution chooses it and the person has one, else the
  // identifier the CROUS already holds, else the eppn (see chooseCrousIdentifier).
  eppn: ['rightHolder.identifier'],
  ine: ['rightHolder.ine', 'rightHolder.identifier'],
  rightsEnd: ['rightHolder.dueDate'],
  crousTariff: ['rightHolder.idCompanyRate', 'rightHolder.idRate'],
  institutionUai: ['rightHolder.rneOrgCode'],
  crousCardNumber: ['smartCard.idZdc', 'smartCard.rid'],
  cardCsn: ['smartCard.uid'],
  cardIssueDate: ['smartCard.zdcCreationDate'],
  cardState: ['smartCard.cancelDate', 'smartCard.revalidationDate'],
  // Cancelling tells why: lost, stolen, out of order.
  cardSuspensionReason: ['smartCard.reason'],
} as const satisfies ConnectorDataFields;

/** Card properties that are the same for every card of the institution: no personal data. */
export const CROUS_FIXED_PROPERTIES: readonly string[] = [
  'smartCard.idTransmitter', 'smartCard.idMapping', 'smartCard.pixSs', 'smartCard.pixNn', 'smartCard.appl',
];
