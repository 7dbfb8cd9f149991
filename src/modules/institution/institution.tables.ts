import type { Generated } from 'kysely';
import type { JsonDefault, Timestamp } from '../../platform/db/platform.tables.ts';
import type { InstitutionSettings, InstitutionColors } from './domain/institution-settings.ts';

export interface InstitutionTable {
  id: Generated<number>;
  name: string;
  pic: string;
  uai: string | null;
  schacHomeOrganization: string;
  country: string;
  esiScope: Generated<'national' | 'institution'>;
  logo: Buffer | null;
  logoMime: string | null;
  colors: JsonDefault<InstitutionColors>;
  settings: JsonDefault<Partial<InstitutionSettings>>;
  demoSeededAt: Timestamp | null;
  updatedAt: Generated<Date>;
}

export interface InstitutionTables {
  institution: InstitutionTable;
}
