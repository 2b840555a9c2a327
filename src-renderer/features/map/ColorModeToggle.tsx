import type { Column } from '../../../src-main/contract'
import type { NumericDomain } from '../../map/column-colors'
import type { ColorBy } from './useMapLook'

const MODES: { mode: 'cluster' | 'anomaly'; label: string }[] = [
  { mode: 'cluster', label: 'Cluster' },
  { mode: 'anomaly', label: 'Anomaly score' },
]

const NUMERIC = new Set(['integer', 'number', 'date'])

/** Colour by cluster, anomaly score or any metadata column (numeric columns: quantile or linear scale). */
export function ColorModeToggle({
  value,
  onChange,
  columns = [],
  domain = 'quantile',
  onDomain,
}: {
  value: ColorBy
  onChange(value: ColorBy): void
  columns?: Column[]
  domain?: NumericDomain
  onDomain?(d: NumericDomain): void
}) {
  const column = value.by === 'column' ? columns.find((c) => c.idx === value.column) : undefined
  return (
    <div className="segmented" role="group" aria-label="Colour points by" data-testid="map-color-mode" data-mode={value.by}>
      <span className="muted">Colour by</span>
      {MODES.map(({ mode, label }) => (
        <button
          key={mode}
          type="button"
          className={`btn btn--small${value.by === mode ? ' btn--primary' : ''}`}
          aria-pressed={value.by === mode}
          data-testid={`map-color-${mode}`}
          onClick={() => onChange({ by: mode })}
        >
          {label}
        </button>
      ))}
      {columns.length > 0 && (
        <select
          className={`select select--small${value.by === 'column' ? ' is-active' : ''}`}
          aria-label="Colour by column"
          data-testid="map-color-column"
          value={value.by === 'column' ? String(value.column) : ''}
          onChange={(e) => e.target.value !== '' && onChange({ by: 'column', column: Number(e.target.value) })}
        >
          <option value="">Column…</option>
          {columns.map((c) => (
            <option key={c.idx} value={c.idx}>
              {c.name}
            </option>
          ))}
        </select>
      )}
      {column && NUMERIC.has(column.type) && onDomain && (
        <select
          className="select select--small"
          aria-label="Colour scale"
          data-testid="map-color-domain"
          value={domain}
          onChange={(e) => onDomain(e.target.value as NumericDomain)}
        >
          <option value="quantile">quantiles</option>
          <option value="linear">linear</option>
        </select>
      )}
    </div>
  )
}
