/** Card office settings of the institution (stored as jsonb; missing keys take the defaults). */
export interface InstitutionSettings {
  /** ENCODED moves straight on to ENABLED. */
  autoEnableAfterEncode: boolean;
  /** A card is enabled when it is handed over. */
  enableOnDelivery: boolean;
  /** Disable reasons a cardholder may choose for their own card. */
  selfServiceDisableReasons: Array<'LOST' | 'THEFT' | 'OUT_OF_ORDER'>;
  /** Which person types may request a card themselves, and whether a delivery address is asked. */
  requestRules: Record<string, { selfRequest: boolean; deliveryAddress: boolean }>;
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
  requestRules: {
    student: { selfRequest: true, deliveryAddress: false },
    staff: { selfRequest: true, deliveryAddress: true },
    guest: { selfRequest: false, deliveryAddress: false },
    external: { selfRequest: false, deliveryAddress: false },
  },
  cardValidityMonths: 12,
  showHolderOnVerification: false,
  escDeleteDisabledCards: false,
  sharedCard: false,
};

/** Completes stored (possibly partial, possibly older) settings with the defaults. */
export function withDefaults(stored: Partial<InstitutionSettings> | null | undefined): InstitutionSettings {
  return {
    ...DEFAULT_INSTITUTION_SETTINGS,
    ...(stored ?? {}),
    requestRules: { ...DEFAULT_INSTITUTION_SETTINGS.requestRules, ...(stored?.requestRules ?? {}) },
  };
}
