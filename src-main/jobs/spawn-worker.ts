import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * Starts the job worker. Inside Electron the worker is a bundled file beside main (out/main/job-worker.js);
 * from the CLI, the server and the tests it is the TypeScript source, loaded through tsx.
 */
export function spawnJobWorker(workerData: unknown): Worker {
  for (const rel of ['./job-worker.js', '../job-worker.js']) {
    const bundled = fileURLToPath(new URL(rel, import.meta.url))
    if (fs.existsSync(bundled)) return new Worker(bundled, { workerData })
  }
  // `--import tsx` in a worker's execArgv does not reach its entry module on Node 20, so a tiny
  // JavaScript bootstrap registers tsx inside the worker and then imports the TypeScript entry.
  const bootstrap = fileURLToPath(new URL('./worker-bootstrap.mjs', import.meta.url))
  const entry = new URL('./worker-entry.ts', import.meta.url).href
  return new Worker(bootstrap, { workerData: { ...(workerData as object), __entry: entry } })
}
