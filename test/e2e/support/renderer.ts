import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { rendererDir, repoRoot } from './paths'

/** Inputs of the renderer bundle: if any is newer than the built index.html, the build is stale. */
const SOURCES = ['src-renderer', 'src-main/contract', 'electron.vite.config.ts', 'package.json']

function newestMtime(p: string): number {
  const st = fs.statSync(p, { throwIfNoEntry: false })
  if (!st) return 0
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)))
  return newest
}

function isFresh(): boolean {
  const index = fs.statSync(path.join(rendererDir, 'index.html'), { throwIfNoEntry: false })
  if (!index) return false
  return SOURCES.every((s) => newestMtime(path.join(repoRoot, s)) <= index.mtimeMs)
}

function run(args: string[]): { ok: boolean; output: string } {
  const r = spawnSync('npx', args, {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  })
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` }
}

/** e2e files run in parallel workers: one builds while the others wait for it, then find the build fresh. */
async function withBuildLock<T>(fn: () => T): Promise<T> {
  const lock = path.join(repoRoot, 'out', '.renderer-build.lock')
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

/**
 * Makes sure out/renderer holds a build of the current renderer sources. Runs `electron-vite build` (what users
 * run); if that fails for a reason outside the renderer, builds the renderer alone from the same config section.
 */
export async function ensureRendererBuilt(): Promise<string> {
  if (isFresh()) return rendererDir
  return withBuildLock(build)
}

function build(): string {
  if (isFresh()) return rendererDir
  const full = run(['electron-vite', 'build'])
  if (full.ok && isFresh()) return rendererDir
  const alone = run(['vite', 'build', '--config', 'test/e2e/support/renderer-only.vite.config.ts'])
  if (!alone.ok || !fs.existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error(`Building the renderer failed.\n--- electron-vite build ---\n${full.output.slice(-4000)}\n--- vite build (renderer only) ---\n${alone.output.slice(-4000)}`)
  }
  if (!full.ok) console.warn('[e2e] `electron-vite build` failed outside the renderer; built the renderer alone.\n' + full.output.slice(-1500))
  return rendererDir
}
