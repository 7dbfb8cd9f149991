import './full-badge.css';

/**
 * Mantine class names that let a badge wrap its label rather than cut it with an ellipsis; the
 * theme gives them to every badge (web/src/app/theme.ts).
 */
export const FULL_BADGE_CLASS_NAMES = { root: 'full-badge', label: 'full-badge__label' } as const;
