import { MantineProvider } from '@mantine/core';
import { BrowserRouter } from 'react-router';
import { SessionProvider } from '../auth/session.context.tsx';
import { AppRoutes } from './app.routes.tsx';
import { cssVariablesResolver, theme } from './theme.ts';

/** The whole web application: theme, session, routes. */
export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <BrowserRouter>
        <SessionProvider>
          <AppRoutes />
        </SessionProvider>
      </BrowserRouter>
    </MantineProvider>
  );
}
