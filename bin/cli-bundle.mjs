// The CLI's engine, bundled once per version of the sources. Loading ~400 TypeScript modules through tsx's
// loader thread costs ~2 CPU seconds per command (every `embedmap` call, and each job worker again); one
// esbuild bundle loads in a fraction of that. The bundle is keyed by the sources' sizes and times, so an
// edited source is never run stale: the next command rebuilds (~1 s). Any failure falls back to tsx.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/** Bundle entry → source. Workers keep the file names spawnWorker looks for beside the bundle (src-main/jobs/spawn-worker.ts). */
const ENTRIES = {
  main: 'src-main/cli/main.ts',
  'job-worker': 'src-main/jobs/worker-entry.ts',
  'search-worker': 'src-main/jobs/search-worker.ts',
  'sniff-worker': 'src-main/import/sniff-worker.ts',
  'reader-worker': 'src-main/import/reader-worker.ts',
}
/** What the bundle inlines: the engine's sources and the JSON they import from resources/. */
const INPUTS = ['src-main', 'resources/models']
/** Bundles older than this that are not the current one are removed (a running command may still use one). */
const PRUNE_AFTER_MS = 24 * 3600 * 1000

function listFiles(dir, out) {
  let entries
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true })
  } catch {
    return
  }
  for (const e of entries) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) listFiles(p, out)
    else if (e.isFile()) out.push(p)
  }
}

function fingerprint(root) {
  const files = []
  for (const d of INPUTS) listFiles(path.join(root, d), files)
  files.sort()
  const h = crypto.createHash('sha256')
  for (const f of files) {
    const st = fs.statSync(f)
    h.update(`${path.relative(root, f)}\0${st.size}\0${st.mtimeMs}\n`)
  }
  return h.digest('hex').slice(0, 16)
}

function prune(base, keep) {
  for (const name of fs.readdirSync(base)) {
    if (name === keep) continue
    const p = path.join(base, name)
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > PRUNE_AFTER_MS) fs.rmSync(p, { recursive: true, force: true })
    } catch {
      // another command pruned it first
    }
  }
}

/** The bundled CLI's entry file for the current sources (built now if needed), or null to run from source. */
export async function bundledCli(root) {
  if (process.env.EMBEDMAP_CLI_FROM_SOURCE === '1') return null
  try {
    const base = path.join(root, '.cache', 'cli')
    const key = fingerprint(root)
    const dir = path.join(base, key)
    const entry = path.join(dir, 'main.js')
    if (fs.existsSync(path.join(dir, '.complete'))) return entry
    const { build } = await import('esbuild')
    fs.mkdirSync(base, { recursive: true })
    // Built aside and renamed into place, so concurrent commands never load a half-written bundle.
    const tmp = fs.mkdtempSync(path.join(base, `.build-${key}-`))
    await build({
      absWorkingDir: root,
      entryPoints: ENTRIES,
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      logLevel: 'silent',
    })
    fs.writeFileSync(path.join(tmp, '.complete'), '')
    try {
      fs.renameSync(tmp, dir)
    } catch {
      // Another command finished the same bundle first: use it.
      fs.rmSync(tmp, { recursive: true, force: true })
      if (!fs.existsSync(path.join(dir, '.complete'))) return null
    }
    prune(base, key)
    return entry
  } catch (err) {
    if (process.env.EMBEDMAP_DEBUG) console.error(`embedmap: running from source (bundle failed: ${err instanceof Error ? err.message : err})`)
    return null
  }
}
