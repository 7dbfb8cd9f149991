/**
 * Card office settings of an institution (stored as jsonb; missing keys take the defaults). Request
 * rules are no setting: each person type holds its own (`person_types`).
 */
export interface InstitutionSettings {
  /** ENCODED moves straight on to ENABLED. */
  autoEnableAfterEncode: boolean;
  /** A card is enabled when it is handed over. */
  enableOnDelivery: boolean;
  /** Disable reasons a cardholder may choose for their own card. */
  selfServiceDisableReasons: Array<'LOST' | 'THEFT' | 'OUT_OF_ORDER'>;
  /** Validity of a new card, in months, capped by the holder's rights end. */
  cardValidityMonths: number;
  /** Show the holder's name and photo on the public verification page (when they consented). */
  showHolderOnVerification: boolean;
  /** At the ESC Router, a disabled card is set INACTIVE (false) or deleted (true). */
  escDeleteDisabledCards: boolean;
  /**
   * On a federation: its members share one card (one physical card, one ESCN, recognised by all
   * of them), so a person holds one ENABLED card across the federation instead of one per member.
   */
  sharedCard: boolean;
}

export interface InstitutionColors {
  primary: string;
  secondary: string;
}

export const DEFAULT_INSTITUTION_SETTINGS: InstitutionSettings = {
  autoEnableAfterEncode: false,
  enableOnDelivery: false,
  selfServiceDisableReasons: ['LOST', 'THEFT', 'OUT_OF_ORDER'],
  cardValidityMonths: 12,
  showHolderOnVerification: false,
  escDeleteDisabledCards: false,
  sharedCard: false,
};

/**
 * Completes stored (possibly partial, possibly older) settings with the defaults. Keys no longer
 * settings (`requestRules`, moved to person types by migration 0019) are dropped.
 */
export function withDefaults(stored: Partial<InstitutionSettings> | null | undefined): InstitutionSettings {
  const settings: InstitutionSettings = { ...DEFAULT_INSTITUTION_SETTINGS };
  for (const key of Object.keys(DEFAULT_INSTITUTION_SETTINGS) as Array<keyof InstitutionSettings>) {
    const value = stored?.[key];
    if (value !== undefined) Object.assign(settings, { [key]: value });
  }
  return settings;
}
