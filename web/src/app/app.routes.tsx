import { Center, Loader } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes } from 'react-router';
import { homeOf } from '../auth/home-of.ts';
import { LoginPage } from '../auth/login.page.tsx';
import { RequireSession } from '../auth/require-session.component.tsx';
import { OFFICE_ROLES, useSession } from '../auth/session.context.tsx';
import { ConsentsPage } from '../cardholder/consents.page.tsx';
import { MyCardsPage } from '../cardholder/my-cards.page.tsx';
import { MyDataPage } from '../cardholder/my-data.page.tsx';
import { RequestCardPage } from '../cardholder/request-card.page.tsx';
import { VirtualCardPage } from '../cardholder/virtual-card.page.tsx';
import { AppLayout } from './app-layout.component.tsx';
import { StatusPage } from './status.page.tsx';

// The office console is a separate chunk: cardholders on a phone never download it.
const OfficeRoutes = lazy(() => import('../office/office.routes.tsx').then((module) => ({ default: module.OfficeRoutes })));

function Home() {
  const { principal } = useSession();
  if (principal === undefined) return null;
  return <Navigate to={principal ? homeOf(principal) : '/login'} replace />;
}

function Loading() {
  const { t } = useTranslation();
  return <Center mih="50vh"><Loader role="status" aria-label={t('common.loading')} /></Center>;
}

/** Every page of the application and who may see it. */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/" element={<RequireSession><Home /></RequireSession>} />
      <Route element={<RequireSession><AppLayout /></RequireSession>}>
        <Route path="/me" element={<RequireSession needsPerson><MyCardsPage /></RequireSession>} />
        <Route path="/me/cards/:id" element={<RequireSession needsPerson><VirtualCardPage /></RequireSession>} />
        <Route path="/me/request" element={<RequireSession needsPerson><RequestCardPage /></RequireSession>} />
        <Route path="/me/consents" element={<RequireSession needsPerson><ConsentsPage /></RequireSession>} />
        <Route path="/me/data" element={<RequireSession needsPerson><MyDataPage /></RequireSession>} />
        <Route
          path="/office/*"
          element={<RequireSession roles={OFFICE_ROLES}><Suspense fallback={<Loading />}><OfficeRoutes /></Suspense></RequireSession>}
        />
        <Route path="/forbidden" element={<StatusPage kind="forbidden" />} />
        <Route path="*" element={<StatusPage kind="notFound" />} />
      </Route>
    </Routes>
  );
}
