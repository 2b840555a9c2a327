import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { resolve } from 'node:path'

// Main and preload are bundled for Electron; the CLI and server run the same sources through tsx,
// so the engine is one codebase with two loaders.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/app/main.ts'),
          'job-worker': resolve(__dirname, 'src-main/jobs/worker-entry.ts'),
          'search-worker': resolve(__dirname, 'src-main/jobs/search-worker.ts'),
          'reader-worker': resolve(__dirname, 'src-main/import/reader-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/preload.ts') },
        // A CommonJS preload can run in a sandboxed renderer; an ESM one cannot.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    // Test-only code (src-renderer/features/map/test-hook.ts) is compiled in only when this is '1': the e2e tests
    // build their own renderer that way (test/e2e/support/renderer.ts); `electron-vite build` leaves it out.
    define: { 'import.meta.env.VITE_EMBEDMAP_TEST_HOOKS': JSON.stringify(process.env.VITE_EMBEDMAP_TEST_HOOKS === '1' ? '1' : '') },
    plugins: [
      react(),
      // Vite's dev server injects <style> tags; allow them in development only, never in a build.
      {
        name: 'csp-dev-styles',
        apply: 'serve',
        transformIndexHtml: (html: string) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
      },
    ],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: resolve(__dirname, 'src-renderer/index.html') },
    },
  },
})
