import { useEffect, useId, useRef, useState } from 'react'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { formatInt } from '../../ui/format'
import { JobProgress } from '../jobs/JobProgress'
import { useExportRows, type ExportFormat } from './useExportRows'

/**
 * "Export these rows": a format picker and a button; then the job's progress, where the file went, and in browser
 * mode a download (started automatically once the file is written, and offered again as a button).
 */
export function ExportRows({
  datasetId,
  runId,
  rows,
  base,
  label,
  testId,
}: {
  datasetId: number
  runId: number
  /** Called at click time, so a live selection or threshold is read as it is then. */
  rows(): ArrayLike<number>
  base: string
  label: string
  testId: string
}) {
  const formatId = useId()
  const [format, setFormat] = useState<ExportFormat>('csv')
  const ex = useExportRows(datasetId, runId)
  const downloaded = useRef<number | null>(null)
  const done = ex.job?.state === 'succeeded'

  useEffect(() => {
    if (done && ex.canDownload && ex.started && downloaded.current !== ex.started.jobId) {
      downloaded.current = ex.started.jobId
      void ex.download()
    }
  }, [done, ex])

  return (
    <div className="map-export" data-testid={testId}>
      <div className="map-export__row">
        <label htmlFor={formatId} className="muted">
          Format
        </label>
        <select id={formatId} value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)} data-testid={`${testId}-format`}>
          <option value="csv">CSV</option>
          <option value="jsonl">JSON Lines</option>
          <option value="parquet">Parquet</option>
        </select>
        <button
          type="button"
          className="btn btn--small btn--primary"
          disabled={ex.busy}
          data-testid={`${testId}-start`}
          onClick={() => {
            const r = rows()
            if (r.length) void ex.start(r, format, base)
          }}
        >
          {label}
        </button>
      </div>
      {ex.job && (
        <div className="map-export__job" data-testid={`${testId}-job`} data-job-state={ex.job.state} data-out={ex.started?.out}>
          <JobProgress job={ex.job} errorTitle="The export failed" />
          {done && (
            <p className="map-export__done">
              Wrote {formatInt((ex.job.result as { rows?: number } | null)?.rows ?? 0)} rows to <code data-testid={`${testId}-path`}>{ex.started?.out}</code>
              {ex.canDownload && (
                <button type="button" className="btn btn--small" onClick={() => void ex.download()}>
                  Download again
                </button>
              )}
            </p>
          )}
        </div>
      )}
      {ex.error && <ErrorMessage error={ex.error} title="Could not export" onDismiss={ex.clearError} />}
    </div>
  )
}
