import type { Caller } from '../contract'
import { readdir, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import type { EngineApi } from '../engine/api'

/** The server's own reads (no request body involved) go through the same door as its requests. */
const SERVER_CALLER: Caller = { door: 'http' }

/** An upload nobody imported within a day is abandoned (a closed tab, a failed import the user gave up on). */
export const UPLOAD_MAX_AGE_MS = 24 * 60 * 60 * 1000
const SWEEP_EVERY_MS = 60 * 60 * 1000

/**
 * Uploads are copies made only to be imported: each lives in its own folder under uploadsDir. A folder goes when the
 * import that read it succeeded (the rows are in the workspace then), or when it is a day old and no import still
 * in progress reads it (an interrupted import resumes from the file, so it must stay).
 */
export function startUploadCleanup(engine: EngineApi, opts: { maxAgeMs?: number; sweepEveryMs?: number } = {}) {
  const maxAgeMs = opts.maxAgeMs ?? UPLOAD_MAX_AGE_MS
  const uploadsDir = path.resolve(engine.uploadsDir)

  /** The upload folder holding `file`, or null when the file is not an upload. */
  const uploadFolderOf = (file: string): string | null => {
    const rel = path.relative(uploadsDir, path.resolve(file))
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null
    return path.join(uploadsDir, rel.split(path.sep)[0])
  }

  /** Upload folders that an import still in progress reads (it resumes from the file after a crash); null if unknown. */
  const foldersInUse = async (): Promise<Set<string | null> | null> => {
    const datasets = await engine.invoke('datasets.list', {}, SERVER_CALLER).catch(() => null)
    return datasets && new Set(datasets.filter((d) => d.status === 'importing').map((d) => uploadFolderOf(d.sourcePath)))
  }

  const removeImported = async (datasetId: number) => {
    const dataset = await engine.invoke('datasets.get', { id: datasetId }, SERVER_CALLER).catch(() => null)
    const folder = dataset ? uploadFolderOf(dataset.sourcePath) : null
    if (!folder) return
    // A second import of the same upload (a deliberate copy) may still be reading it.
    const inUse = await foldersInUse()
    if (inUse && !inUse.has(folder)) await rm(folder, { recursive: true, force: true })
  }

  const unsubscribe = engine.subscribe((event) => {
    if (event.type === 'job' && event.job.kind === 'import' && event.job.state === 'succeeded' && event.job.datasetId !== null) {
      void removeImported(event.job.datasetId).catch(() => undefined)
    }
  })

  async function sweep(now = Date.now()): Promise<string[]> {
    let names: string[]
    try {
      names = await readdir(uploadsDir)
    } catch {
      return []
    }
    // Without the list we cannot tell which uploads are still being read: keep them all this time.
    const inUse = await foldersInUse()
    if (!inUse) return []
    const removed: string[] = []
    for (const name of names) {
      const folder = path.join(uploadsDir, name)
      if (inUse.has(folder)) continue
      const lastWrite = await newestMtime(folder)
      if (lastWrite === null || now - lastWrite < maxAgeMs) continue
      await rm(folder, { recursive: true, force: true })
      removed.push(folder)
    }
    return removed
  }

  /** The folder's or its newest file's modification time: an upload still being written is not old. */
  async function newestMtime(folder: string): Promise<number | null> {
    const st = await stat(folder).catch(() => null)
    if (!st?.isDirectory()) return null
    let newest = st.mtimeMs
    for (const f of await readdir(folder).catch(() => [] as string[])) {
      const fst = await stat(path.join(folder, f)).catch(() => null)
      if (fst) newest = Math.max(newest, fst.mtimeMs)
    }
    return newest
  }

  const first = sweep().catch(() => [])
  const timer = setInterval(() => void sweep().catch(() => undefined), opts.sweepEveryMs ?? SWEEP_EVERY_MS)
  timer.unref()

  return {
    /** Resolves when the sweep made at start has finished. */
    ready: first,
    sweep,
    stop() {
      clearInterval(timer)
      unsubscribe()
    },
  }
}
