// Builds the web app into dashboards/dist, served by the controller under /app/. Everything is
// bundled: nothing is loaded from outside the server (villages are often offline), and nothing is
// inline, so the pages run under the API's CSP (script-src 'self', style-src 'self').
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../dist'),
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    // A module file even when small: a data: URL or inline asset would need a looser CSP.
    assetsInlineLimit: 0,
    rollupOptions: { input: { history: here('history.html') } },
  },
  logLevel: 'warn',
});
