import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useMemo, useRef } from 'react'
import type { Column, Row } from '../../../src-main/contract'
import { formatInt } from '../../ui/format'
import { gridColumns } from './columns'
import { ScrollScaler } from './scroll-scaler'

export const ROW_HEIGHT = 30
const HEADER_HEIGHT = 34
/** Wait for the scroll to pause this long before fetching, so dragging the scrollbar across a million rows stays smooth. */
const FETCH_DEBOUNCE_MS = 60

/**
 * A virtualized grid: only the rows on screen (plus overscan) exist in the DOM, each absolutely placed at a fixed
 * height, so 1,000,000 rows cost the same as 100. Rows not fetched yet show as placeholders until their page arrives.
 */
export function RowsTable({
  columns,
  textColumn,
  count,
  rowAt,
  ensure,
  selectedIdx,
  onSelect,
}: {
  columns: Column[]
  textColumn: number
  /** Rows in this view (all of them, or the filter's matches). */
  count: number
  rowAt(position: number): Row | undefined
  ensure(first: number, last: number): void
  selectedIdx: number | null
  onSelect(row: Row): void
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const countRef = useRef(count)
  countRef.current = count
  const scaler = useMemo(() => new ScrollScaler(() => countRef.current * ROW_HEIGHT + HEADER_HEIGHT), [])
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    paddingStart: HEADER_HEIGHT,
    overscan: 12,
    observeElementOffset: scaler.observe,
    scrollToFn: scaler.scrollTo,
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? -1

  useEffect(() => {
    if (last < first) return
    const t = setTimeout(() => ensure(first, last), FETCH_DEBOUNCE_MS)
    return () => clearTimeout(t)
  }, [first, last, ensure])

  // A new filter is a new list: start at its top.
  useEffect(() => {
    virtualizer.scrollToOffset(0)
  }, [count, virtualizer])

  const { template, minWidth } = useMemo(() => gridColumns(columns, textColumn), [columns, textColumn])
  const gridStyle = useMemo(() => ({ gridTemplateColumns: template }), [template])

  return (
    <div className="rows-scroll" ref={scrollRef} data-testid="rows-table" role="table" aria-rowcount={count + 1}>
      <div className="rows-inner" style={{ height: scaler.realSize(), minWidth }}>
        <div className="rows-header" role="row" style={{ ...gridStyle, height: HEADER_HEIGHT }}>
          <div role="columnheader" className="cell cell--num">
            #
          </div>
          {columns.map((c) => (
            <div key={c.idx} role="columnheader" className={`cell${c.idx === textColumn ? ' cell--text' : ''}`} title={`${c.name} (${c.type})`}>
              {c.name}
              <span className="cell__type">{c.type}</span>
            </div>
          ))}
        </div>
        {items.map((item) => {
          const row = rowAt(item.index)
          return (
            <RowView
              key={item.index}
              top={item.start + scaler.shift}
              row={row}
              position={item.index}
              columns={columns}
              textColumn={textColumn}
              gridStyle={gridStyle}
              selected={row !== undefined && row.idx === selectedIdx}
              onSelect={onSelect}
            />
          )
        })}
      </div>
    </div>
  )
}

const RowView = memo(function RowView({
  top,
  row,
  position,
  columns,
  textColumn,
  gridStyle,
  selected,
  onSelect,
}: {
  top: number
  row: Row | undefined
  position: number
  columns: Column[]
  textColumn: number
  gridStyle: { gridTemplateColumns: string }
  selected: boolean
  onSelect(row: Row): void
}) {
  const style = { ...gridStyle, height: ROW_HEIGHT, transform: `translateY(${top}px)` }
  if (!row) {
    return (
      <div className="row row--loading" role="row" style={style} data-testid="row-placeholder" aria-busy="true">
        <div className="cell cell--num">{formatInt(position + 1)}</div>
        <div className="cell cell--placeholder" style={{ gridColumn: `2 / span ${Math.max(1, columns.length)}` }} />
      </div>
    )
  }
  const classes = ['row']
  if (row.ragged) classes.push('row--ragged')
  if (row.emptyText) classes.push('row--empty')
  if (selected) classes.push('row--selected')
  return (
    <div className={classes.join(' ')} role="row" style={style} data-testid="row" data-row-idx={row.idx} aria-selected={selected} onClick={() => onSelect(row)}>
      <div className="cell cell--num" role="cell" title={`Row ${row.idx + 1}, line ${row.line} of the file`}>
        {row.ragged && (
          <span className="marker marker--ragged" title="This record had a different number of fields than the header">
            ⚠
          </span>
        )}
        {formatInt(row.idx + 1)}
      </div>
      {columns.map((c) => {
        const isText = c.idx === textColumn
        const value = isText ? row.text : (row.cells[c.idx] ?? '')
        if (isText && row.emptyText) {
          return (
            <div key={c.idx} role="cell" className="cell cell--text cell--empty" data-testid="row-text">
              (empty text)
            </div>
          )
        }
        return (
          <div key={c.idx} role="cell" className={`cell${isText ? ' cell--text' : ''}`} title={value} data-testid={isText ? 'row-text' : undefined}>
            {value}
          </div>
        )
      })}
    </div>
  )
})
