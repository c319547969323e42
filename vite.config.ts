import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app: Vite root is web/, the production build goes to dist/web, which the API server
// serves at / with an SPA fallback (buildApp's webRoot). In development, `npx vite` serves the app
// and forwards /api, /docs and /health to the API server (UNITRACE_API, default port 3000).
const apiTarget = process.env.UNITRACE_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/docs': { target: apiTarget },
      '/health': { target: apiTarget },
    },
  },
});
