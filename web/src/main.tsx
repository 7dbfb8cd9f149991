import '@mantine/core/styles.css';
import './app/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initI18n } from './i18n/i18n.ts';
import { App } from './app/app.component.tsx';
import { registerServiceWorker } from './pwa/register-service-worker.ts';

await initI18n();
const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
createRoot(container).render(<StrictMode><App /></StrictMode>);
registerServiceWorker();
