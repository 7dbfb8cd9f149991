import { Navigate, Route, Routes } from 'react-router';
import { StatusPage } from '../app/status.page.tsx';
import { RequireSession } from '../auth/require-session.component.tsx';
import { addTranslations } from '../i18n/i18n.ts';
import officeEn from '../i18n/locales/office/en.json';
import officeFr from '../i18n/locales/office/fr.json';
import { AdminPage } from './admin.page.tsx';
import { CardDetailPage } from './card-detail.page.tsx';
import { CardListPage } from './card-list.page.tsx';
import { CardMigrationPage } from './card-migration.page.tsx';
import { CardTemplateEditorPage } from './card-template-editor.page.tsx';
import { CardTemplatesPage } from './card-templates.page.tsx';
import { ConnectorSyncsPage } from './connector-syncs.page.tsx';
import { CrousFilesPage } from './crous-files.page.tsx';
import { DashboardPage } from './dashboard.page.tsx';
import { DeliverySlipPage } from './delivery-slip.page.tsx';
import { DeliveryPage } from './delivery.page.tsx';
import { EncodePage } from './encode.page.tsx';
import { EscSyncPage } from './esc-sync.page.tsx';
import { PrintSheetPage } from './print-sheet.page.tsx';
import { PrintPage } from './print.page.tsx';
import { PrintersPage } from './printers.page.tsx';
import { RequestForPage } from './request-for.page.tsx';
import { RequestQueuePage } from './request-queue.page.tsx';

// The console's strings travel with its chunk, so the cardholder pages' first load stays small.
addTranslations({ fr: officeFr, en: officeEn });

/** The card office console (a lazily loaded chunk): every page and the roles that open it. */
export function OfficeRoutes() {
  return (
    <Routes>
      <Route index element={<DashboardPage />} />
      <Route path="cards" element={<CardListPage />} />
      <Route path="cards/:id" element={<CardDetailPage />} />
      <Route path="queue" element={<RequireSession roles={['admin', 'manager']}><RequestQueuePage /></RequireSession>} />
      <Route path="request" element={<RequireSession roles={['admin', 'manager']}><RequestForPage /></RequireSession>} />
      <Route path="print" element={<RequireSession roles={['admin', 'manager', 'station']}><PrintPage /></RequireSession>} />
      <Route path="print/sheet" element={<PrintSheetPage />} />
      <Route path="printers" element={<RequireSession roles={['admin', 'manager']}><PrintersPage /></RequireSession>} />
      <Route path="migration" element={<RequireSession roles={['admin', 'manager']}><CardMigrationPage /></RequireSession>} />
      <Route path="card-templates" element={<CardTemplatesPage />} />
      <Route path="card-templates/:id" element={<CardTemplateEditorPage />} />
      <Route path="encode" element={<RequireSession roles={['admin', 'manager', 'station']}><EncodePage /></RequireSession>} />
      <Route path="delivery" element={<RequireSession roles={['admin', 'manager', 'deliverer']}><DeliveryPage /></RequireSession>} />
      <Route path="delivery/slip" element={<DeliverySlipPage />} />
      <Route path="esc" element={<RequireSession roles={['admin', 'manager']}><EscSyncPage /></RequireSession>} />
      <Route path="syncs" element={<RequireSession roles={['admin', 'manager']}><ConnectorSyncsPage /></RequireSession>} />
      <Route path="syncs/:connector" element={<RequireSession roles={['admin', 'manager']}><ConnectorSyncsPage /></RequireSession>} />
      <Route path="crous" element={<RequireSession roles={['admin']}><CrousFilesPage /></RequireSession>} />
      <Route path="admin" element={<RequireSession roles={['admin']}><AdminPage /></RequireSession>} />
      <Route path="home" element={<Navigate to="/office" replace />} />
      <Route path="*" element={<StatusPage kind="notFound" />} />
    </Routes>
  );
}
