import { useMemo } from 'react'
import { clusterColor, cssColor } from '../../map/colors'
import type { DecodedPoints } from '../../map/decode'
import { countByCluster } from '../../map/selection'
import { formatInt } from '../../ui/format'
import { ExportRows } from './ExportRows'
import { SelectedRowsList } from './SelectedRowsList'

/** The selection: how many rows, how many per cluster, the rows themselves, and Export selection. */
export function SelectionPanel({
  datasetId,
  points,
  rows,
  clusterName,
  onOpen,
  onClear,
}: {
  datasetId: number
  points: DecodedPoints
  rows: Int32Array
  clusterName(idx: number): string
  onOpen(row: number): void
  onClear(): void
}) {
  const perCluster = useMemo(() => countByCluster(rows, points.cluster), [rows, points])
  // For tests and debugging: the selected row ids, only while the list is short enough to be an attribute.
  const ids = useMemo(() => (rows.length <= 5000 ? Array.from(rows).join(',') : undefined), [rows])
  if (rows.length === 0) {
    return (
      <p className="muted" data-testid="selection-empty">
        Nothing selected. Press <kbd>L</kbd> for the lasso or <kbd>B</kbd> for a box and drag over the map; Shift adds, Alt removes.
      </p>
    )
  }
  return (
    <div className="map-selection" data-testid="selection-panel" data-count={rows.length} data-rows={ids}>
      <div className="map-panel__head">
        <strong data-testid="selection-count">{formatInt(rows.length)} selected</strong>
        <button type="button" className="btn btn--small btn--ghost" onClick={onClear} data-testid="selection-clear">
          Clear
        </button>
      </div>
      <ul className="map-counts" aria-label="Selected rows per cluster" data-testid="selection-clusters">
        {perCluster.map(({ cluster, count }) => (
          <li key={cluster} data-cluster={cluster}>
            <span className="swatch" style={{ background: cssColor(clusterColor(cluster)) }} />
            <span className="map-counts__label">{cluster < 0 ? 'no cluster' : clusterName(cluster)}</span>
            <span className="muted">{formatInt(count)}</span>
          </li>
        ))}
      </ul>
      <SelectedRowsList datasetId={datasetId} points={points} rows={rows} onOpen={onOpen} />
      <ExportRows datasetId={datasetId} runId={points.runId} rows={() => rows} base="selection" label="Export selection" testId="selection-export" />
    </div>
  )
}
