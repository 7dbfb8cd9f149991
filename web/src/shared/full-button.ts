import './full-button.css';

/**
 * Mantine class names that let a button wrap its label rather than cut it; the theme gives them to
 * every button (web/src/app/theme.ts), as it does the full-badge class names to badges.
 */
export const FULL_BUTTON_CLASS_NAMES = { root: 'full-button', inner: 'full-button__inner', label: 'full-button__label' } as const;
