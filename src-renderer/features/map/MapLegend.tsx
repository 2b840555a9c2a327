import { LANGUAGE_COLUMN } from '../../../src-main/contract'
import { anomalyColor, clusterColor, cssColor } from '../../map/colors'
import { categoryColor, MISSING_COLOR, OTHER_COLOR, TOP_CATEGORIES, viridis, type NumericScale } from '../../map/column-colors'
import type { ColumnValues, DecodedPoints } from '../../map/decode'
import type { ColorBy } from './useMapLook'

const ramp = (color: (t: number) => readonly [number, number, number]) =>
  `linear-gradient(to right, ${[0, 0.25, 0.5, 0.75, 1].map((t) => cssColor(color(t))).join(', ')})`

/** Number formatting for legend ends; date columns are days since 1970. */
function formatValue(v: number, unit: 'number' | 'date'): string {
  if (unit === 'date') return new Date(v * 86_400_000).toISOString().slice(0, 10)
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-2 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(4)))
}

/** What the colours mean: clusters (biggest first), the anomaly scale, or the colouring column's categories or scale. */
export function MapLegend({
  points,
  mode,
  column,
  scale,
  error,
  hidden,
  onCluster,
  onCategory,
}: {
  points: DecodedPoints
  mode: ColorBy['by']
  column?: ColumnValues
  scale?: NumericScale | null
  /** Why the column could not be loaded: shown instead of a "Loading" that would never end. */
  error?: string
  /** Clusters hidden on the map (their entries show struck through). */
  hidden?: ReadonlySet<number>
  /** A cluster entry was clicked: hide/show it, or with Shift isolate it (map/legend-actions.ts). */
  onCluster?(idx: number, isolate: boolean): void
  /** A category entry was clicked: isolate that category. */
  onCategory?(value: string): void
}) {
  if (mode === 'anomaly') {
    return (
      <div className="map-legend map-legend--scale" data-testid="map-legend" data-mode="anomaly">
        <span className="muted">usual</span>
        <span className="map-legend__ramp" style={{ background: ramp(anomalyColor) }} />
        <span className="muted">unusual</span>
      </div>
    )
  }
  if (mode === 'column') {
    if (!column && error) {
      return (
        <div className="map-legend" role="alert" data-testid="map-legend" data-mode="column" data-error="true">
          Could not load the column: {error}
        </div>
      )
    }
    if (!column)
      return (
        <div className="map-legend muted" data-testid="map-legend" data-mode="column">
          Loading the column…
        </div>
      )
    if ('values' in column) {
      const { unit, missing } = column.header
      const b = scale?.breaks
      return (
        <div className="map-legend map-legend--scale" data-testid="map-legend" data-mode="column" data-column-type="numeric">
          <span className="map-legend__title">{column.header.name}</span>
          <span className="muted">{b ? formatValue(b[0], unit) : '–'}</span>
          <span className="map-legend__ramp" style={{ background: ramp(viridis) }} title={scale?.domain === 'quantile' ? 'quantile scale' : 'linear scale'} />
          <span className="muted">{b ? formatValue(b[b.length - 1], unit) : '–'}</span>
          {missing > 0 && <span className="muted">· {missing.toLocaleString('en-US')} missing</span>}
        </div>
      )
    }
    const { categories, counts, otherCount, missing } = column.header
    const top = Math.min(TOP_CATEGORIES, categories.length)
    const rarer = otherCount + counts.slice(top).reduce((a, b) => a + b, 0)
    const items = [
      ...categories.slice(0, top).map((c, code) => ({ key: c, label: c, count: counts[code], color: categoryColor(code, categories.length) })),
      ...(rarer ? [{ key: '\u0001other', label: 'other', count: rarer, color: OTHER_COLOR }] : []),
      // A row without letters (digits, symbols, empty) has no detectable language.
      ...(missing
        ? [{ key: '\u0001missing', label: column.header.column === LANGUAGE_COLUMN ? 'no letters' : 'missing', count: missing, color: MISSING_COLOR }]
        : []),
    ]
    return (
      <ul className="map-legend" data-testid="map-legend" data-mode="column" data-column-type="categorical">
        <li className="map-legend__title">{column.header.name}</li>
        {items.map((it) => (
          <li
            key={it.key}
            className={`map-legend__item${onCategory && !it.key.startsWith('\u0001') ? ' is-clickable' : ''}`}
            data-testid="map-legend-category"
            title={`${it.label} · ${it.count} rows${onCategory && !it.key.startsWith('\u0001') ? ' · click to show only this category (again to undo)' : ''}`}
            onClick={onCategory && !it.key.startsWith('\u0001') ? () => onCategory(it.label) : undefined}
          >
            <span className="swatch" style={{ background: cssColor(it.color) }} />
            <span className="map-legend__label">{it.label}</span>
            <span className="muted">{it.count.toLocaleString('en-US')}</span>
          </li>
        ))}
      </ul>
    )
  }
  const clusters = [...points.clusters].sort((a, b) => b.size - a.size)
  return (
    <ul className="map-legend" data-testid="map-legend" data-mode="cluster">
      {clusters.map((c) => (
        <li
          key={c.idx}
          className={`map-legend__item${onCluster ? ' is-clickable' : ''}${hidden?.has(c.idx) ? ' is-hidden' : ''}`}
          data-testid="map-legend-item"
          data-cluster={c.idx}
          data-hidden={hidden?.has(c.idx) ? 'true' : undefined}
          aria-pressed={onCluster ? !hidden?.has(c.idx) : undefined}
          role={onCluster ? 'button' : undefined}
          title={`${c.label} · ${c.size} rows${onCluster ? ' · click to hide or show, Shift+click to show only this cluster' : ''}`}
          onClick={onCluster ? (e) => onCluster(c.idx, e.shiftKey) : undefined}
        >
          <span className="swatch" style={{ background: cssColor(clusterColor(c.idx)) }} />
          <span className="map-legend__label">{c.label}</span>
          <span className="muted">{c.size}</span>
        </li>
      ))}
    </ul>
  )
}
