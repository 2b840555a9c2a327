import path from 'node:path'

/**
 * The built renderer that browser mode serves: EMBEDMAP_RENDERER_DIR when set (the e2e tests point it at a build
 * that includes test hooks, see test/e2e/support/renderer.ts), otherwise `defaultDir` (`<repo>/out/renderer`).
 */
export function resolveRendererDir(defaultDir: string): string {
  const override = process.env.EMBEDMAP_RENDERER_DIR
  return override ? path.resolve(override) : defaultDir
}
