import { useMemo, useState } from 'react'
import type { Column, ColumnFilter } from '../../../src-main/contract'
import type { ColumnValues } from '../../map/decode'
import { crossFilterHistogram, type Histogram } from '../../map/filters'
import type { MapLook } from './useMapLook'

const NUMERIC = new Set(['integer', 'number', 'date'])

/**
 * Metadata filters: rows that do not match are dimmed on the map, not hidden. Each filter shows its column's
 * histogram over the rows that pass all the OTHER filters (cross-filtering), over the faint unfiltered totals.
 */
export function MapFilters({ look, n }: { look: MapLook; n: number }) {
  const [adding, setAdding] = useState('')
  const free = look.filterColumns.filter((c) => !look.filters.some((f) => f.column === c.idx))
  function add(idx: number) {
    const col = look.filterColumns.find((c) => c.idx === idx)
    if (!col) return
    // A new filter starts open (everything passes) and narrows as the user picks.
    const f: ColumnFilter = NUMERIC.has(col.type) ? { type: 'numeric', column: idx, min: null, max: null } : { type: 'categorical', column: idx, include: [] }
    look.setFilters([...look.filters, f])
  }
  const update = (f: ColumnFilter) => look.setFilters(look.filters.map((x) => (x.column === f.column ? f : x)))
  const remove = (column: number) => look.setFilters(look.filters.filter((x) => x.column !== column))
  // The language filter alone does not earn the strip its space; it shows once set (from the legend).
  if (look.metaColumns.length === 0 && look.filters.length === 0) return null
  return (
    <section className="map-filters" data-testid="map-filters" aria-label="Filters">
      <div className="map-filters__head">
        <span className="panel__title">Filters</span>
        <span className="muted" data-testid="map-filter-count" data-matching={look.matching}>
          {look.filters.length ? `${look.matching.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} rows match` : 'none'}
        </span>
        <select
          className="select select--small"
          aria-label="Add a filter"
          data-testid="map-filter-add"
          value={adding}
          onChange={(e) => {
            setAdding('')
            if (e.target.value !== '') add(Number(e.target.value))
          }}
        >
          <option value="">Add filter…</option>
          {free.map((c) => (
            <option key={c.idx} value={c.idx}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      {look.filters.map((f) => (
        <FilterCard
          key={f.column}
          filter={f}
          column={look.filterColumns.find((c) => c.idx === f.column)}
          values={look.columns.get(f.column)}
          look={look}
          onChange={update}
          onRemove={() => remove(f.column)}
        />
      ))}
    </section>
  )
}

function FilterCard({
  filter,
  column,
  values,
  look,
  onChange,
  onRemove,
}: {
  filter: ColumnFilter
  column: Column | undefined
  values: ColumnValues | undefined
  look: MapLook
  onChange(f: ColumnFilter): void
  onRemove(): void
}) {
  const own = look.masks.get(filter.column) ?? null
  const hist = useMemo(() => (values ? crossFilterHistogram(values, look.fails, own) : null), [values, look.fails, own])
  return (
    <div className="map-filter" data-testid="map-filter" data-column={filter.column}>
      <div className="map-filter__head">
        <strong>{column?.name ?? `column ${filter.column}`}</strong>
        <button type="button" className="btn btn--small" aria-label="Remove filter" data-testid="map-filter-remove" onClick={onRemove}>
          ×
        </button>
      </div>
      {!hist ? (
        <p className="muted">Loading…</p>
      ) : filter.type === 'categorical' ? (
        <CategoryBars
          hist={hist}
          include={filter.include}
          onToggle={(key) =>
            onChange({ ...filter, include: filter.include.includes(key) ? filter.include.filter((k) => k !== key) : [...filter.include, key] })
          }
        />
      ) : (
        <RangeBars hist={hist} filter={filter} onChange={onChange} />
      )}
    </div>
  )
}

function CategoryBars({ hist, include, onToggle }: { hist: Histogram; include: string[]; onToggle(key: string): void }) {
  const max = Math.max(1, ...hist.totals)
  return (
    <ul className="map-hist map-hist--categories" data-testid="map-histogram">
      {hist.bins.map((b, i) =>
        hist.totals[i] === 0 ? null : (
          <li key={b.key}>
            <button
              type="button"
              className={`map-hist__row${include.includes(b.key!) ? ' is-on' : ''}`}
              aria-pressed={include.includes(b.key!)}
              data-testid="map-hist-bin"
              data-key={b.key}
              data-count={hist.counts[i]}
              onClick={() => onToggle(b.key!)}
            >
              <span className="map-hist__label">{b.label}</span>
              <span className="map-hist__bar">
                <span className="map-hist__total" style={{ width: `${(100 * hist.totals[i]) / max}%` }} />
                <span className="map-hist__count" style={{ width: `${(100 * hist.counts[i]) / max}%` }} />
              </span>
              <span className="muted">{hist.counts[i].toLocaleString('en-US')}</span>
            </button>
          </li>
        ),
      )}
    </ul>
  )
}

function RangeBars({ hist, filter, onChange }: { hist: Histogram; filter: Extract<ColumnFilter, { type: 'numeric' }>; onChange(f: ColumnFilter): void }) {
  const max = Math.max(1, ...hist.totals)
  const lo = hist.bins[0]?.lo ?? 0
  const hi = hist.bins[hist.bins.length - 1]?.hi ?? 0
  const num = (s: string) => (s.trim() === '' || !Number.isFinite(Number(s)) ? null : Number(s))
  return (
    <div>
      <div className="map-hist map-hist--range" data-testid="map-histogram">
        {hist.bins.map((b, i) => {
          const inRange = b.hi! >= (filter.min ?? -Infinity) && b.lo! <= (filter.max ?? Infinity)
          return (
            <span
              key={i}
              className={`map-hist__col${inRange ? ' is-on' : ''}`}
              title={`${b.lo}–${b.hi}: ${hist.counts[i]}`}
              data-testid="map-hist-bin"
              data-count={hist.counts[i]}
            >
              <span className="map-hist__total" style={{ height: `${(100 * hist.totals[i]) / max}%` }} />
              <span className="map-hist__count" style={{ height: `${(100 * hist.counts[i]) / max}%` }} />
            </span>
          )
        })}
      </div>
      <div className="map-filter__range">
        <input
          type="number"
          className="input input--small"
          aria-label="Minimum"
          data-testid="map-filter-min"
          placeholder={String(lo)}
          defaultValue={filter.min ?? ''}
          onChange={(e) => onChange({ ...filter, min: num(e.target.value) })}
        />
        <span className="muted">to</span>
        <input
          type="number"
          className="input input--small"
          aria-label="Maximum"
          data-testid="map-filter-max"
          placeholder={String(hi)}
          defaultValue={filter.max ?? ''}
          onChange={(e) => onChange({ ...filter, max: num(e.target.value) })}
        />
      </div>
    </div>
  )
}
