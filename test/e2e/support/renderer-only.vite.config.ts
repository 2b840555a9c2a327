// Builds only the renderer, from the renderer section of electron.vite.config.ts, into the --outDir given: the e2e
// tests' renderer with test hooks (support/renderer.ts) and the check that normal builds have none.
import { defineConfig, type UserConfig } from 'vite'
import config from '../../../electron.vite.config'

const renderer = (config as { renderer?: UserConfig }).renderer ?? {}

export default defineConfig({
  ...renderer,
  // electron-vite sets this for the renderer: asset URLs are relative to index.html.
  base: './',
  build: { ...renderer.build, emptyOutDir: true },
})
