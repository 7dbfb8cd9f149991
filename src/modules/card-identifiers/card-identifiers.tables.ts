import type { Generated } from 'kysely';
import type { CheckDigitScheme } from './domain/check-digits.ts';

/** An institution's identifier definitions (migration 0044), audited. */
export interface CardIdentifierDefinitionsTable {
  institutionId: number;
  /** Generated (`card-identifiers:<institution id>`): the audit log's key. */
  id: Generated<string>;
  accessControlEnabled: boolean;
  accessControlOffset: string;
  accessControlLength: number;
  secondaryEnabled: boolean;
  secondaryPrefix: string;
  secondaryOffset: string;
  secondaryLength: number;
  secondaryCheckDigit: CheckDigitScheme;
  updatedBy: string;
  updatedAt: Generated<Date>;
}

/** The next sequence number of each kind of one institution (its row lock orders card creations). */
export interface CardIdentifierSequencesTable {
  institutionId: number;
  accessControlNext: Generated<number>;
  secondaryNext: Generated<number>;
}

/** The identifiers of one card, written once. */
export interface CardIdentifiersTable {
  cardId: string;
  institutionId: number;
  accessControlId: string | null;
  secondaryId: string | null;
  createdAt: Generated<Date>;
}

export interface CardIdentifiersTables {
  cardIdentifierDefinitions: CardIdentifierDefinitionsTable;
  cardIdentifierSequences: CardIdentifierSequencesTable;
  cardIdentifiers: CardIdentifiersTable;
}
