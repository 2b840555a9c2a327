import { LANGUAGE_COLUMN, type Column } from '../../../src-main/contract'
import type { NumericDomain } from '../../map/column-colors'
import type { ColorBy } from './useMapLook'

const MODES: { mode: 'cluster' | 'anomaly'; label: string }[] = [
  { mode: 'cluster', label: 'Cluster' },
  { mode: 'anomaly', label: 'Anomaly score' },
]

const NUMERIC = new Set(['integer', 'number', 'date'])

/**
 * Colour by cluster, anomaly score, the language detected per row, or any metadata column (numeric columns: quantile
 * or linear scale). Language is always offered: it is computed only when picked, and a one-entry legend answers
 * "is all of this one language?" — worth knowing before choosing a model.
 */
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
  const byLanguage = value.by === 'column' && value.column === LANGUAGE_COLUMN
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
      <button
        type="button"
        className={`btn btn--small${byLanguage ? ' btn--primary' : ''}`}
        aria-pressed={byLanguage}
        data-testid="map-color-language"
        title="Colour each row by the language of its text (detected by script)"
        onClick={() => onChange({ by: 'column', column: LANGUAGE_COLUMN })}
      >
        Language
      </button>
      {columns.length > 0 && (
        <select
          className={`select select--small${value.by === 'column' && !byLanguage ? ' is-active' : ''}`}
          aria-label="Colour by column"
          data-testid="map-color-column"
          value={value.by === 'column' && !byLanguage ? String(value.column) : ''}
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
