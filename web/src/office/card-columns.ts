import type { Card } from '../api/api-types.ts';
import { formatDate, formatDateTime } from '../shared/format.ts';

export type ColumnKey = 'holder' | 'institution' | 'eppn' | 'personType' | 'state' | 'requestedAt' | 'updatedAt' | 'escn' | 'csn' | 'expiresAt'
  | 'studentNumber' | 'email' | 'channel';

type Translate = (key: string, options?: Record<string, unknown>) => string;

export interface ColumnDef {
  key: ColumnKey;
  /** Server sort key, when the column can be sorted. */
  sort?: 'lastName' | 'requestedAt' | 'updatedAt';
  /** What the cell shows. (The CSV export's cells, codes and ISO dates, are written by the server: card-export.service.ts.) */
  text(card: Card, t: Translate): string;
}

/** Every column the card list can show, in display order. */
export const COLUMNS: readonly ColumnDef[] = [
  { key: 'holder', sort: 'lastName', text: (card) => `${card.holder.lastName.toUpperCase()} ${card.holder.firstName}` },
  { key: 'institution', text: (card) => card.institutionName },
  { key: 'eppn', text: (card) => card.holder.eppn },
  { key: 'personType', text: (card, t) => t(`personType.${card.holder.personType}`, { defaultValue: card.holder.personType }) },
  { key: 'state', text: (card, t) => t(`state.${card.state}`) },
  { key: 'requestedAt', sort: 'requestedAt', text: (card) => formatDate(card.requestedAt) },
  { key: 'updatedAt', sort: 'updatedAt', text: (card) => formatDateTime(card.updatedAt) },
  { key: 'escn', text: (card) => card.escn ?? '' },
  { key: 'csn', text: (card) => card.csn?.hex ?? '' },
  { key: 'expiresAt', text: (card) => formatDate(card.expiresAt) },
  { key: 'studentNumber', text: (card) => card.holder.studentNumber ?? '' },
  { key: 'email', text: (card) => card.holder.email ?? '' },
  { key: 'channel', text: (card, t) => t(`channel.${card.requestChannel}`) },
];

export const DEFAULT_COLUMNS: readonly ColumnKey[] = ['holder', 'personType', 'state', 'requestedAt', 'updatedAt', 'escn'];

/**
 * The columns shown: the chosen ones, plus the institution when the rows may come from several
 * institutions (it is not a choice then: a row must say whose card it is).
 */
export function shownColumnKeys(chosen: readonly ColumnKey[], severalInstitutions: boolean): ColumnKey[] {
  return severalInstitutions && !chosen.includes('institution') ? ['institution', ...chosen] : [...chosen];
}
