import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { repoRoot, testRendererDir } from './paths'

// The e2e tests drive the map through window.__embedmapMap, which normal builds leave out (see MapCanvas.tsx). So
// they serve their own renderer, built from the same config with VITE_EMBEDMAP_TEST_HOOKS=1 into
// .cache/renderer-test/, and point `embedmap serve` at it with EMBEDMAP_RENDERER_DIR (see support/cli.ts).

/** Inputs of the renderer bundle: if any is newer than the built index.html, the build is stale. */
const SOURCES = [
  'src-renderer',
  'src-main/contract',
  'electron.vite.config.ts',
  'test/e2e/support/renderer-only.vite.config.ts',
  // how it is built (production mode) is an input too
  'test/e2e/support/renderer.ts',
  'package.json',
]
const RENDERER_ONLY_CONFIG = 'test/e2e/support/renderer-only.vite.config.ts'

function newestMtime(p: string): number {
  const st = fs.statSync(p, { throwIfNoEntry: false })
  if (!st) return 0
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)))
  return newest
}

function isFresh(outDir: string): boolean {
  const index = fs.statSync(path.join(outDir, 'index.html'), { throwIfNoEntry: false })
  if (!index) return false
  return SOURCES.every((s) => newestMtime(path.join(repoRoot, s)) <= index.mtimeMs)
}

/**
 * Builds the renderer alone (the renderer section of electron.vite.config.ts) into `outDir`; `testHooks` compiles in
 * the test-only code. Used for the e2e renderer and by the test that checks normal builds contain no test hook.
 */
export function buildRenderer(outDir: string, testHooks: boolean): void {
  // A production build, like the app's: under vitest NODE_ENV is 'test', and Vite then bundles React's development
  // build (StrictMode's double effects, double fetches, dev-only checks), which made e2e and bench pages slower
  // than the app and their timings depend on who built the renderer last.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' }
  if (testHooks) env.VITE_EMBEDMAP_TEST_HOOKS = '1'
  else delete env.VITE_EMBEDMAP_TEST_HOOKS
  const r = spawnSync('npx', ['vite', 'build', '--config', RENDERER_ONLY_CONFIG, '--outDir', outDir, '--emptyOutDir'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 300_000,
    env,
  })
  if (r.status !== 0 || !fs.existsSync(path.join(outDir, 'index.html'))) {
    throw new Error(`Building the renderer into ${outDir} failed.\n${`${r.stdout ?? ''}${r.stderr ?? ''}`.slice(-4000)}`)
  }
}

/** e2e files run in parallel workers: one builds while the others wait for it, then find the build fresh. */
async function withBuildLock<T>(fn: () => T): Promise<T> {
  const lock = path.join(repoRoot, '.cache', '.renderer-test-build.lock')
  fs.mkdirSync(path.dirname(lock), { recursive: true })
  const deadline = Date.now() + 600_000
  for (;;) {
    try {
      fs.mkdirSync(lock)
      break
    } catch {
      const st = fs.statSync(lock, { throwIfNoEntry: false })
      // A lock older than ten minutes belongs to a build that died.
      if (st && Date.now() - st.mtimeMs > 600_000) fs.rmSync(lock, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another renderer build (${lock}).`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  try {
    return fn()
  } finally {
    fs.rmSync(lock, { recursive: true, force: true })
  }
}

/** Makes sure .cache/renderer-test holds a test-hook build of the current renderer sources; returns its path. */
export async function ensureRendererBuilt(): Promise<string> {
  if (isFresh(testRendererDir)) return testRendererDir
  return withBuildLock(() => {
    if (!isFresh(testRendererDir)) buildRenderer(testRendererDir, true)
    return testRendererDir
  })
}
