// Builds the web app into dashboards/dist, served by the controller under /app/. Everything is
// bundled: nothing is loaded from outside the server (villages are often offline), and nothing is
// inline, so the pages run under the API's CSP (script-src 'self', style-src 'self').
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
// Every page is an .html file beside this config.
const pages = Object.fromEntries(readdirSync(here('.')).filter((f) => f.endsWith('.html')).map((f) => [f.slice(0, -5), here(f)]));

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
    rollupOptions: { input: pages },
  },
  logLevel: 'warn',
});
