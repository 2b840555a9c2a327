import { useCallback, useEffect, useState } from 'react'
import type { Dataset, Row } from '../../../src-main/contract'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { formatInt } from '../../ui/format'
import { RowsTable } from '../rows/RowsTable'
import { useRowPages } from '../rows/useRowPages'
import { useRowsByIndex } from './useRowsByIndex'

/** Which rows the table lists: the map's focus (selection, filter matches, search hits), or all of them. */
export interface TableRows {
  source: 'selection' | 'filter' | 'search' | 'all'
  /** Row indices (0-based) in map order; null for all rows. */
  rows: Int32Array | null
}

const SOURCE_LABEL: Record<TableRows['source'], string> = { selection: 'selected', filter: 'matching the filters', search: 'search hits', all: 'all rows' }

/**
 * The rows table docked at the bottom of the map, linked to it: it lists what the map has in focus, and clicking a
 * row flies the map to its point and opens its details. Folded to a bar by default, so the map keeps the window.
 */
export function RowsDock({
  dataset,
  table,
  openRow,
  onOpen,
  expanded,
  onExpanded,
}: {
  dataset: Dataset
  table: TableRows
  openRow: number | null
  onOpen(row: number): void
  expanded: boolean
  onExpanded(open: boolean): void
}) {
  // A text filter over all rows, as in the table of a dataset without a map (debounced: one request per pause).
  const [filterInput, setFilterInput] = useState('')
  const [query, setQuery] = useState('')
  useEffect(() => {
    const t = setTimeout(() => setQuery(filterInput), 250)
    return () => clearTimeout(t)
  }, [filterInput])
  const all = useRowPages(dataset.id, query, `${dataset.id}|${dataset.rowCount}|${query}`)
  const subset = useRowsByIndex(dataset.id, table.rows ?? EMPTY)
  const count = table.rows ? table.rows.length : (all.total ?? dataset.rowCount)
  const onSelect = useCallback((row: Row) => onOpen(row.idx), [onOpen])
  const label =
    table.source !== 'all'
      ? `${formatInt(count)} ${SOURCE_LABEL[table.source]}`
      : query
        ? `${formatInt(count)} of ${formatInt(dataset.rowCount)} rows contain “${query}”`
        : `${formatInt(count)} rows`
  return (
    <section className={`rows-dock${expanded ? ' is-open' : ''}`} data-testid="rows-dock" data-source={table.source} data-count={count} aria-label="Rows table">
      <button type="button" className="rows-dock__bar" data-testid="rows-dock-toggle" aria-expanded={expanded} onClick={() => onExpanded(!expanded)}>
        <span aria-hidden="true">{expanded ? '▾' : '▴'}</span> Table · <span data-testid="rows-dock-label">{label}</span>
      </button>
      {expanded && (
        <div className="rows-dock__body">
          {table.source === 'all' && (
            <input
              type="search"
              className="filter rows-dock__filter"
              placeholder="Filter rows (text contains…)"
              aria-label="Filter rows by text"
              value={filterInput}
              onChange={(e) => setFilterInput(e.target.value)}
              data-testid="rows-dock-filter"
            />
          )}
          {all.error && <ErrorMessage error={all.error} title="Could not load rows" />}
          {count === 0 ? (
            <p className="muted empty-state">No rows.</p>
          ) : (
            <RowsTable
              columns={dataset.columns}
              textColumn={dataset.textColumn}
              count={count}
              rowAt={table.rows ? subset.rowAt : all.rowAt}
              ensure={table.rows ? subset.ensure : all.ensure}
              selectedIdx={openRow}
              onSelect={onSelect}
            />
          )}
        </div>
      )}
    </section>
  )
}

const EMPTY = new Int32Array(0)
