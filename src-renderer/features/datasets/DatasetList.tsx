import { useState } from 'react'
import type { Dataset } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { ConfirmButton } from '../../ui/ConfirmButton'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { formatInt } from '../../ui/format'

export function DatasetList({
  datasets,
  loading,
  error,
  selectedId,
  onSelect,
  onDeleted,
}: {
  datasets: Dataset[] | undefined
  loading: boolean
  error: ApiError | undefined
  selectedId: number | null
  onSelect(id: number): void
  onDeleted(id: number): void
}) {
  const [deleteError, setDeleteError] = useState<ApiError>()
  const [deleting, setDeleting] = useState<number | null>(null)

  async function remove(id: number) {
    setDeleting(id)
    setDeleteError(undefined)
    try {
      await invoke('datasets.delete', { id })
      onDeleted(id)
    } catch (err) {
      setDeleteError(toApiError(err))
    } finally {
      setDeleting(null)
    }
  }

  return (
    <section className="panel" aria-labelledby="datasets-heading">
      <h2 id="datasets-heading" className="panel__title">
        Datasets
      </h2>
      {error && <ErrorMessage error={error} title="Could not load datasets" />}
      {deleteError && <ErrorMessage error={deleteError} title="Could not delete" onDismiss={() => setDeleteError(undefined)} />}
      {!datasets && loading && <p className="muted">Loading…</p>}
      {datasets?.length === 0 && <p className="muted">No datasets yet. Import a CSV to start.</p>}
      <ul className="dataset-list" data-testid="dataset-list">
        {datasets?.map((d) => (
          <li key={d.id}>
            <div
              role="button"
              tabIndex={0}
              className={`dataset-item${d.id === selectedId ? ' dataset-item--selected' : ''}`}
              data-testid="dataset-item"
              data-dataset-id={d.id}
              data-status={d.status}
              aria-current={d.id === selectedId ? 'true' : undefined}
              onClick={() => onSelect(d.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault()
                  onSelect(d.id)
                }
              }}
            >
              <div className="dataset-item__main">
                <span className="dataset-item__name" title={d.sourcePath}>
                  {d.name}
                </span>
                <span className="dataset-item__meta">
                  <span data-testid="dataset-rowcount">{formatInt(d.rowCount)}</span> rows ·{' '}
                  <span className={`badge badge--${d.status}`} data-testid="dataset-status">
                    {d.status}
                  </span>
                </span>
              </div>
              <ConfirmButton testId="dataset-delete" onConfirm={() => void remove(d.id)} disabled={deleting === d.id} confirmLabel="Delete?">
                Delete
              </ConfirmButton>
            </div>
          </li>
        ))}
      </ul>
    </section>
  )
}
