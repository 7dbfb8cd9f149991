import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompressPlugin } from '../scripts/web-precompress.plugin.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web application: built into web/dist and served by the Fastify server (src/modules/web).
 * During development `vite --config web/vite.config.ts` proxies the API to a running server.
 * The build also writes brotli and gzip copies of its text files (scripts/web-precompress.plugin.ts).
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), precompressPlugin()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      output: {
        manualChunks(id: string): string | undefined {
          if (/node_modules\/(react|react-dom|scheduler)\//.test(id)) return 'react';
          if (/node_modules\/(react-router)\//.test(id)) return 'router';
          if (/node_modules\/(i18next|react-i18next)\//.test(id)) return 'i18n';
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/v/': 'http://localhost:8080',
    },
  },
});
