import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/** Worker entry points: source file name (src-main/jobs/) → bundled file name (out/main/). */
const ENTRIES = {
  job: { source: './worker-entry.ts', bundled: 'job-worker.js' },
  search: { source: './search-worker.ts', bundled: 'search-worker.js' },
} as const

function bundledEntry(kind: keyof typeof ENTRIES): string | undefined {
  for (const dir of ['./', '../']) {
    const bundled = fileURLToPath(new URL(dir + ENTRIES[kind].bundled, import.meta.url))
    if (fs.existsSync(bundled)) return bundled
  }
  return undefined
}

/**
 * Starts a worker. Bundled, the worker is a file beside this module (Electron: out/main/*.js; the CLI's
 * bundle, bin/cli-bundle.mjs); run from source (tests, or when the CLI bundle cannot be built) it is the
 * TypeScript source, loaded through tsx.
 */
export function spawnWorker(kind: keyof typeof ENTRIES, workerData: unknown): Worker {
  const entry = ENTRIES[kind]
  const bundled = bundledEntry(kind)
  if (bundled) return new Worker(bundled, { workerData })
  // `--import tsx` in a worker's execArgv does not reach its entry module on Node 20, so a tiny
  // JavaScript bootstrap registers tsx inside the worker and then imports the TypeScript entry.
  const bootstrap = fileURLToPath(new URL('./worker-bootstrap.mjs', import.meta.url))
  const source = new URL(entry.source, import.meta.url).href
  return new Worker(bootstrap, { workerData: { ...(workerData as object), __entry: source } })
}

export function spawnJobWorker(workerData: unknown): Worker {
  return spawnWorker('job', workerData)
}
