// Build-time constants that Vite replaces in the renderer (see electron.vite.config.ts, renderer.define).
interface ImportMetaEnv {
  /** '1' only in the e2e tests' renderer build: compiles in the map's test hook. */
  readonly VITE_EMBEDMAP_TEST_HOOKS?: string
}

interface ImportMeta {
  readonly env: ImportMetaEnv
}
