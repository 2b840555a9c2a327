import { useState } from 'react'
import { compactSelection, type Job } from '../../../src-main/contract'
import { invoke, mode } from '../../api/client'
import { downloadExport } from '../../api/download'
import { toApiError, type ApiError } from '../../api/errors'
import { useJobs } from '../jobs/useJobs'

export type ExportFormat = 'csv' | 'jsonl' | 'parquet'

export interface StartedExport {
  jobId: number
  /** Where the engine writes it (absolute). */
  out: string
  /** The file name, for the browser-mode download. */
  name: string
}

/** A file name that does not collide with earlier exports: `selection-2024-05-01-104512.csv`. */
export function exportFileName(base: string, format: ExportFormat, now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace('T', '-').replace(/:/g, '')
  return `${base}-${stamp}.${format}`
}

/**
 * Exports an explicit list of rows (a selection, the flagged set at a threshold) through the engine's export job,
 * follows the job, and in browser mode downloads the file when it is written.
 */
export function useExportRows(datasetId: number, runId: number) {
  const { jobs } = useJobs()
  const [started, setStarted] = useState<StartedExport | null>(null)
  const [error, setError] = useState<ApiError>()
  const [busy, setBusy] = useState(false)
  const job: Job | undefined = started ? jobs.find((j) => j.id === started.jobId) : undefined

  async function start(rows: ArrayLike<number>, format: ExportFormat, base: string) {
    setBusy(true)
    setError(undefined)
    try {
      const name = exportFileName(base, format)
      // Ranges or a bitmap, whichever is smaller: a row list of a big lasso would pass the server's 1 MB body cap.
      const r = await invoke('export.start', { datasetId, runId, what: 'selection', ...compactSelection(rows), format, out: name })
      setStarted({ jobId: r.jobId, out: r.out, name })
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setBusy(false)
    }
  }

  async function download() {
    if (!started) return
    try {
      await downloadExport(started.name)
    } catch (err) {
      setError(toApiError(err))
    }
  }

  return { start, started, job, error, busy, download, canDownload: mode === 'browser', clearError: () => setError(undefined) }
}
