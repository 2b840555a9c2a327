import { useRef, useState, type DragEvent } from 'react'
import { fileSource } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import type { UploadProgress } from '../../api/types'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { formatBytes } from '../../ui/format'
import { ProgressBar } from '../../ui/ProgressBar'

export interface ChosenFile {
  /** What the engine reads: a dialog's one-file handle (Electron) or the uploaded copy's path (browser mode). */
  path: string
  /** The name the user knows the file by (uploads get a unique prefix on disk). */
  displayName: string
}

const ACCEPT = '.csv,.tsv,.txt,.jsonl,.ndjson,.parquet,.arrow,.feather,text/csv,text/tab-separated-values,text/plain'

/**
 * Where a file comes in. In Electron a native dialog hands us a handle for the one file picked; in the browser the file is uploaded to the
 * local server (streamed to disk there) with a progress bar, then previewed from its uploaded path.
 */
export function ImportSource({ onChosen }: { onChosen(file: ChosenFile): void }) {
  const source = fileSource()
  const inputRef = useRef<HTMLInputElement>(null)
  const abortRef = useRef<AbortController | null>(null)
  const [dragging, setDragging] = useState(false)
  const [upload, setUpload] = useState<{ name: string; progress: UploadProgress } | null>(null)
  const [error, setError] = useState<ApiError>()

  async function pickNative() {
    if (source.kind !== 'native') return
    setError(undefined)
    try {
      const picked = await source.pick()
      if (picked) onChosen({ path: picked.handle, displayName: picked.name })
    } catch (err) {
      setError(toApiError(err))
    }
  }

  async function uploadFile(file: File) {
    if (source.kind !== 'upload') return
    setError(undefined)
    const abort = new AbortController()
    abortRef.current = abort
    setUpload({ name: file.name, progress: { loaded: 0, total: file.size } })
    try {
      const result = await source.upload(file, (progress) => setUpload({ name: file.name, progress }), abort.signal)
      onChosen({ path: result.path, displayName: file.name })
    } catch (err) {
      const e = toApiError(err)
      if (e.code !== 'CANCELLED') setError(e)
    } finally {
      abortRef.current = null
      setUpload(null)
      if (inputRef.current) inputRef.current.value = ''
    }
  }

  function onDrop(e: DragEvent) {
    e.preventDefault()
    setDragging(false)
    const file = e.dataTransfer.files[0]
    if (!file) return
    if (source.kind === 'upload') void uploadFile(file)
    else setError(toApiError(new Error('Dropping files is not available here yet — use “Choose a file…”.')))
  }

  const busy = upload !== null
  return (
    <section className="panel" aria-labelledby="import-heading">
      <h2 id="import-heading" className="panel__title">
        Import
      </h2>
      <div
        className={`dropzone${dragging ? ' dropzone--active' : ''}${busy ? ' dropzone--busy' : ''}`}
        data-testid="import-dropzone"
        onDragOver={(e) => {
          e.preventDefault()
          setDragging(true)
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {upload ? (
          <div className="upload" data-testid="upload-progress">
            <div className="upload__name">Uploading {upload.name}</div>
            <ProgressBar value={upload.progress.total ? upload.progress.loaded / upload.progress.total : null} label="Upload progress" />
            <div className="upload__stats">
              {formatBytes(upload.progress.loaded)} of {formatBytes(upload.progress.total)}
              <button type="button" className="btn btn--small btn--ghost" onClick={() => abortRef.current?.abort()}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <>
            <p className="dropzone__text">
              {source.kind === 'upload' ? 'Drop a CSV, TSV, JSONL, Parquet or Arrow file here' : 'Import a CSV, TSV, JSONL, Parquet or Arrow file'}
            </p>
            <button
              type="button"
              className="btn btn--primary"
              data-testid="import-choose"
              onClick={() => (source.kind === 'native' ? void pickNative() : inputRef.current?.click())}
            >
              Choose a file…
            </button>
          </>
        )}
        {source.kind === 'upload' && (
          <input
            ref={inputRef}
            type="file"
            accept={ACCEPT}
            hidden
            data-testid="import-file-input"
            onChange={(e) => {
              const file = e.target.files?.[0]
              if (file) void uploadFile(file)
            }}
          />
        )}
      </div>
      {error && <ErrorMessage error={error} onDismiss={() => setError(undefined)} />}
    </section>
  )
}
