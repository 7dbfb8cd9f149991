import type { Generated } from 'kysely';
import type { JsonDefault, Timestamp } from '../../platform/db/platform.tables.ts';
import type { InstitutionSettings, InstitutionColors } from './domain/institution-settings.ts';

/** An institution served by this deployment, or a federation (COMUE, alliance) grouping some. */
export interface InstitutionsTable {
  id: Generated<number>;
  code: string;
  kind: Generated<'institution' | 'federation'>;
  parentId: number | null;
  name: string;
  /** Null for a federation, or an institution whose PIC is not known yet (no ESC sync then). */
  pic: string | null;
  uai: string | null;
  schacHomeOrganization: string | null;
  country: string;
  esiScope: Generated<'national' | 'institution'>;
  logo: Buffer | null;
  logoMime: string | null;
  colors: JsonDefault<InstitutionColors>;
  settings: JsonDefault<Partial<InstitutionSettings>>;
  /** The institution's own ESC Router API key, encrypted; never returned. */
  escApiKeyEncrypted: string | null;
  demoSeededAt: Timestamp | null;
  disabledAt: Timestamp | null;
  createdAt: Generated<Date>;
  updatedAt: Generated<Date>;
}

/** A person type an institution defines: its labels, the cards it may hold, its directory mapping. */
export interface PersonTypesTable {
  institutionId: number;
  code: string;
  labelFr: string;
  labelEn: string;
  cardKinds: Generated<Array<'physical' | 'virtual'>>;
  selfRequest: Generated<boolean>;
  deliveryAddress: Generated<boolean>;
  /** Months a new card is valid for; null: the institution's `cardValidityMonths`. */
  validityMonths: number | null;
  /** eduPersonAffiliation values that make a directory entry this type. */
  affiliations: Generated<string[]>;
  position: Generated<number>;
  disabledAt: Timestamp | null;
  updatedAt: Generated<Date>;
}

export interface InstitutionTables {
  institutions: InstitutionsTable;
  personTypes: PersonTypesTable;
}
