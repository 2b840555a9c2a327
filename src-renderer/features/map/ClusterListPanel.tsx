import { useState } from 'react'
import type { AnalysisSummary } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { clusterColor, cssColor } from '../../map/colors'
import type { DecodedPoints } from '../../map/decode'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { formatInt } from '../../ui/format'

type ClusterInfo = { idx: number; size: number; label: string; name: string | null; keywords: string }

function clusterInfos(points: DecodedPoints, summary: AnalysisSummary | undefined): ClusterInfo[] {
  const bySummary = new Map(summary?.clusters.map((c) => [c.idx, c]) ?? [])
  return points.clusters
    .map((c) => {
      const s = bySummary.get(c.idx)
      return {
        idx: c.idx,
        size: c.size,
        label: s?.label ?? c.label,
        name: s?.name ?? null,
        keywords: s
          ? s.keywords
              .slice(0, 6)
              .map((k) => k.term)
              .join(', ')
          : c.label,
      }
    })
    .sort((a, b) => b.size - a.size)
}

/** The clusters: size, keywords, the user's name (rename), show/hide on the map, and select all its rows. */
export function ClusterListPanel({
  points,
  summary,
  hidden,
  onToggleHidden,
  onSelectCluster,
}: {
  points: DecodedPoints
  summary: AnalysisSummary | undefined
  hidden: ReadonlySet<number>
  onToggleHidden(idx: number): void
  onSelectCluster(idx: number): void
}) {
  const [editing, setEditing] = useState<number | null>(null)
  const [draft, setDraft] = useState('')
  const [error, setError] = useState<ApiError>()
  const clusters = clusterInfos(points, summary)

  async function rename(idx: number, name: string | null) {
    setError(undefined)
    try {
      await invoke('clusters.rename', { runId: points.runId, cluster: idx, name })
      setEditing(null)
    } catch (err) {
      setError(toApiError(err))
    }
  }

  return (
    <div className="map-clusters" data-testid="cluster-list">
      {error && <ErrorMessage error={error} title="Could not rename the cluster" onDismiss={() => setError(undefined)} />}
      <ul className="map-clusters__list">
        {clusters.map((c) => (
          <li
            key={c.idx}
            className={`map-clusters__item${hidden.has(c.idx) ? ' is-hidden' : ''}`}
            data-testid="cluster-item"
            data-cluster={c.idx}
            data-hidden={hidden.has(c.idx)}
          >
            <label className="map-clusters__show" title={hidden.has(c.idx) ? 'Show on the map' : 'Hide from the map'}>
              <input
                type="checkbox"
                checked={!hidden.has(c.idx)}
                onChange={() => onToggleHidden(c.idx)}
                data-testid="cluster-visible"
                aria-label={`Show cluster ${c.label}`}
              />
              <span className="swatch" style={{ background: cssColor(clusterColor(c.idx)) }} />
            </label>
            {editing === c.idx ? (
              <form
                className="map-clusters__rename"
                onSubmit={(e) => {
                  e.preventDefault()
                  void rename(c.idx, draft.trim() || null)
                }}
              >
                <input
                  autoFocus
                  value={draft}
                  onChange={(e) => setDraft(e.target.value)}
                  maxLength={200}
                  aria-label={`Name of cluster ${c.idx}`}
                  data-testid="cluster-name-input"
                  placeholder={c.keywords}
                />
                <button type="submit" className="btn btn--small btn--primary" data-testid="cluster-name-save">
                  Save
                </button>
                <button type="button" className="btn btn--small btn--ghost" onClick={() => setEditing(null)}>
                  Cancel
                </button>
              </form>
            ) : (
              <div className="map-clusters__text">
                <span className="map-clusters__label" data-testid="cluster-label">
                  {c.name ?? c.label}
                </span>
                {c.name && <span className="muted map-clusters__keywords">{c.keywords}</span>}
              </div>
            )}
            <span className="muted map-clusters__size">{formatInt(c.size)}</span>
            {editing !== c.idx && (
              <span className="map-clusters__actions">
                <button
                  type="button"
                  className="btn btn--small btn--ghost"
                  data-testid="cluster-rename"
                  aria-label={`Rename cluster ${c.name ?? c.label}`}
                  onClick={() => {
                    setDraft(c.name ?? '')
                    setEditing(c.idx)
                  }}
                >
                  Rename
                </button>
                <button
                  type="button"
                  className="btn btn--small btn--ghost"
                  data-testid="cluster-select"
                  aria-label={`Select the rows of ${c.name ?? c.label}`}
                  onClick={() => onSelectCluster(c.idx)}
                >
                  Select
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  )
}
