// Builds only the renderer, from the renderer section of electron.vite.config.ts. Used by the e2e setup when a full
// `electron-vite build` fails for reasons outside the renderer (e.g. main-process code mid-change), so browser-mode
// tests can still run against the current renderer.
import { defineConfig, type UserConfig } from 'vite'
import config from '../../../electron.vite.config'

const renderer = (config as { renderer?: UserConfig }).renderer ?? {}

export default defineConfig({
  ...renderer,
  // electron-vite sets this for the renderer: pages load from file:// in Electron, so asset URLs must be relative.
  base: './',
  build: { ...renderer.build, emptyOutDir: true },
})
