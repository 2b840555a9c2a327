import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { EmbedMapError, type SerializedError } from '../errors'
import { sniffSource } from './sniff'
import type { SniffRequest } from './sniff-worker'
import type { ImportOptions, SourceSniff } from './types'

type SniffReply = { id: number; ok: true; sniff: SourceSniff } | { id: number; ok: false; error: SerializedError }

/**
 * Sniffs a file in a worker thread, so a preview of a wide or odd file never stalls the browser-mode server's event
 * loop (a 100,000-column header used to hold it for seconds; the column cap now keeps it near 0.4 s, still too long
 * for every other request to wait). One worker, started on first use and kept; it does not keep the process alive.
 * Only while a server shares this event loop (enableSniffWorker): a CLI import would just pay the worker's start-up.
 * Where no worker entry exists (the bundled Electron main), the sniff runs inline.
 */
export function sniffOffThread(path: string, opts: ImportOptions): Promise<SourceSniff> {
  const w = enabled ? sniffWorker() : null
  if (!w) return sniffSource(path, opts)
  const id = nextId++
  return new Promise<SourceSniff>((resolve, reject) => {
    pending.set(id, { resolve, reject, fallback: () => sniffSource(path, opts).then(resolve, reject) })
    w.ref()
    w.postMessage({ id, path, opts } satisfies SniffRequest)
  })
}

let enabled = false

/** Called by the browser-mode server: from now on this process sniffs in a worker thread. */
export function enableSniffWorker(): void {
  enabled = true
}

let worker: Worker | null | undefined
let nextId = 1
const pending = new Map<number, { resolve(s: SourceSniff): void; reject(e: unknown): void; fallback(): void }>()

/** The CLI's bundle (bin/cli-bundle.mjs) has sniff-worker.js beside this code; from source it runs through tsx. */
function startSniffWorker(): Worker | null {
  const bundled = fileURLToPath(new URL('./sniff-worker.js', import.meta.url))
  if (fs.existsSync(bundled)) return new Worker(bundled)
  const bootstrap = fileURLToPath(new URL('../jobs/worker-bootstrap.mjs', import.meta.url))
  const entry = new URL('./sniff-worker.ts', import.meta.url)
  if (!fs.existsSync(bootstrap) || !fs.existsSync(fileURLToPath(entry))) return null
  return new Worker(bootstrap, { workerData: { __entry: entry.href } })
}

function sniffWorker(): Worker | null {
  if (worker !== undefined) return worker
  const w = startSniffWorker()
  if (!w) return (worker = null)
  w.unref()
  w.on('message', (reply: SniffReply) => {
    const p = pending.get(reply.id)
    if (!p) return
    pending.delete(reply.id)
    if (pending.size === 0) w.unref()
    if (reply.ok) p.resolve(reply.sniff)
    else p.reject(new EmbedMapError(reply.error.code, reply.error.message, reply.error.hint, reply.error.details))
  })
  // A worker that fails (it should not) is dropped: what it had in hand is sniffed inline, the next call starts a new one.
  const drop = () => {
    if (worker === w) worker = undefined
    const left = [...pending.values()]
    pending.clear()
    for (const p of left) p.fallback()
  }
  w.on('error', drop)
  w.on('exit', drop)
  return (worker = w)
}
