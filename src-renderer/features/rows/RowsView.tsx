import { useCallback, useEffect, useState } from 'react'
import type { Dataset, Row } from '../../../src-main/contract'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { delimiterLabel, formatInt } from '../../ui/format'
import { RowDetail } from './RowDetail'
import { RowsTable } from './RowsTable'
import { useRowPages } from './useRowPages'

const FILTER_DEBOUNCE_MS = 250

export function RowsView({ dataset }: { dataset: Dataset }) {
  const [filterInput, setFilterInput] = useState('')
  const [query, setQuery] = useState('')
  const [selected, setSelected] = useState<Row | null>(null)

  useEffect(() => {
    const t = setTimeout(() => setQuery(filterInput), FILTER_DEBOUNCE_MS)
    return () => clearTimeout(t)
  }, [filterInput])
  useEffect(() => setSelected(null), [dataset.id, query])

  const resetKey = `${dataset.id}|${dataset.status}|${dataset.rowCount}|${query}`
  const pages = useRowPages(dataset.id, query, resetKey)
  const total = pages.total
  const onSelect = useCallback((row: Row) => setSelected(row), [])
  const report = dataset.importReport

  return (
    <section className="rows-view" data-testid="rows-view" data-dataset-id={dataset.id} aria-labelledby="rows-heading">
      <header className="content__header">
        <div>
          <h2 id="rows-heading">{dataset.name}</h2>
          <p className="muted dataset-facts">
            <span data-testid="rows-count">
              {total === null
                ? `${formatInt(dataset.rowCount)} rows`
                : query
                  ? `${formatInt(total)} of ${formatInt(dataset.rowCount)} rows match`
                  : `${formatInt(total)} rows`}
            </span>
            <span>{dataset.format.toUpperCase()}</span>
            <span>{dataset.encoding}</span>
            {dataset.delimiter !== null && <span>delimiter: {delimiterLabel(dataset.delimiter)}</span>}
            <span>
              text column: <strong className="text-col-name">{dataset.columns[dataset.textColumn]?.name ?? `#${dataset.textColumn + 1}`}</strong>
            </span>
          </p>
        </div>
        <input
          type="search"
          className="filter"
          placeholder="Filter rows (text contains…)"
          aria-label="Filter rows by text"
          value={filterInput}
          onChange={(e) => setFilterInput(e.target.value)}
          data-testid="rows-filter"
        />
      </header>

      {report && (report.ragged.count > 0 || report.emptyText.count > 0 || report.warnings.length > 0) && (
        <div className="notice" data-testid="import-report">
          {report.ragged.count > 0 && (
            <span>
              <span className="marker marker--ragged">⚠</span> {formatInt(report.ragged.count)} rows had a different number of fields than the header
              {report.ragged.examples[0] &&
                ` (e.g. line ${report.ragged.examples[0].line}: ${report.ragged.examples[0].got} instead of ${report.ragged.examples[0].expected})`}
              .
            </span>
          )}
          {report.emptyText.count > 0 && <span>{formatInt(report.emptyText.count)} rows have an empty text.</span>}
          {report.warnings.map((w, i) => (
            <span key={i}>{w}</span>
          ))}
        </div>
      )}

      {pages.error && <ErrorMessage error={pages.error} title="Could not load rows" />}
      {dataset.status === 'importing' ? (
        <p className="muted empty-state">Importing… the rows appear here when the import finishes (progress is in the Jobs panel).</p>
      ) : total === 0 ? (
        <p className="muted empty-state">{query ? `No row contains “${query}”.` : 'This dataset has no rows.'}</p>
      ) : (
        <div className="rows-body">
          <RowsTable
            columns={dataset.columns}
            textColumn={dataset.textColumn}
            count={total ?? 0}
            rowAt={pages.rowAt}
            ensure={pages.ensure}
            selectedIdx={selected?.idx ?? null}
            onSelect={onSelect}
          />
          {selected && <RowDetail row={selected} columns={dataset.columns} textColumn={dataset.textColumn} onClose={() => setSelected(null)} />}
        </div>
      )}
    </section>
  )
}
