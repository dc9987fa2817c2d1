import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The admin app: built into dist/admin, which `serve` sends at /admin.
 * No framework plugin: Vite's own transform compiles the TSX (React's
 * automatic JSX runtime); there is no dev server in the workflow.
 */
export default defineConfig({
  root: here,
  base: '/admin/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/admin', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
