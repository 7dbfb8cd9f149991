import { Badge, Button, createTheme, type CSSVariablesResolver } from '@mantine/core';
import { FULL_BADGE_CLASS_NAMES } from '../shared/full-badge.ts';
import { FULL_BUTTON_CLASS_NAMES } from '../shared/full-button.ts';

/**
 * Mantine theme tuned for WCAG 2.1 AA: the default palette's mid shades are too light for white
 * text, so filled and light components use shade 9 and muted text a darker grey.
 */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 9, dark: 4 },
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  focusRing: 'auto',
  cursorType: 'pointer',
  colors: {
    // Darker reds and greens so that white text on them keeps a contrast above 4.5:1.
    red: ['#fff5f5', '#ffe3e3', '#ffc9c9', '#ffa8a8', '#ff8787', '#ff6b6b', '#fa5252', '#e03131', '#b02525', '#8f1d1d'],
    green: ['#ebfbee', '#d3f9d8', '#b2f2bb', '#8ce99a', '#69db7c', '#51cf66', '#40c057', '#2f9e44', '#1c6e31', '#145224'],
    orange: ['#fff4e6', '#ffe8cc', '#ffd8a8', '#ffc078', '#ffa94d', '#ff922b', '#fd7e14', '#e8590c', '#a3440a', '#7a3207'],
  },
  // Badges (card states, mail statuses, …) and buttons never cut their label: they wrap on narrow screens.
  components: {
    Badge: Badge.extend({ classNames: FULL_BADGE_CLASS_NAMES }),
    Button: Button.extend({ classNames: FULL_BUTTON_CLASS_NAMES }),
  },
});

/** Muted text darker than Mantine's default so it passes contrast checks. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': '#495057', '--mantine-color-placeholder': '#5c636a', '--mantine-color-error': '#b02525' },
  dark: {},
});
