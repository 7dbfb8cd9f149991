/** Keys of the rejection reasons offered as templates (texts in the `rejectTemplates` namespace). */
export const REJECT_TEMPLATES = ['photoQuality', 'photoNotFace', 'photoBackground', 'photoHeadwear', 'dataMismatch', 'duplicate'] as const;
