import { MantineProvider, mergeThemeOverrides, Modal, createTheme } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter } from 'react-router';
import { SessionProvider } from '../auth/session.context.tsx';
import { AppRoutes } from './app.routes.tsx';
import { cssVariablesResolver, theme } from './theme.ts';

/** The whole web application: theme, session, routes. */
export function App() {
  const { t } = useTranslation();
  // Icon-only controls the component library draws itself get a translated accessible name.
  const localTheme = useMemo(() => mergeThemeOverrides(theme, createTheme({
    components: {
      Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': t('common.close') } } }),
    },
  })), [t]);
  return (
    <MantineProvider theme={localTheme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <BrowserRouter>
        <SessionProvider>
          <AppRoutes />
        </SessionProvider>
      </BrowserRouter>
    </MantineProvider>
  );
}
