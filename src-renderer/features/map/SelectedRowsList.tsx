import { rowNumber } from '../../ui/row-number'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'
import { clusterColor, cssColor } from '../../map/colors'
import type { DecodedPoints } from '../../map/decode'
import { useRowsByIndex } from './useRowsByIndex'

const ITEM_HEIGHT = 28

/** The selected rows, virtualized (only the visible ones exist and are fetched); click one to open its details. */
export function SelectedRowsList({
  datasetId,
  points,
  rows,
  onOpen,
}: {
  datasetId: number
  points: DecodedPoints
  rows: Int32Array
  onOpen(row: number): void
}) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const { ensure, rowAt } = useRowsByIndex(datasetId, rows)
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ITEM_HEIGHT, overscan: 10 })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items[items.length - 1]?.index ?? -1

  useEffect(() => {
    if (last >= first) ensure(first, last)
  }, [first, last, ensure, rows])

  return (
    <div className="map-rows" ref={scrollRef} data-testid="selection-rows" role="list" aria-label="Selected rows">
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const row = rows[item.index]
          const loaded = rowAt(item.index)
          return (
            <div
              key={item.key}
              role="listitem"
              className="map-rows__item"
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ITEM_HEIGHT, transform: `translateY(${item.start}px)` }}
            >
              <button type="button" className="map-rows__button" data-testid="selection-row" data-row={row} onClick={() => onOpen(row)} title={loaded?.text}>
                <span className="swatch" style={{ background: cssColor(clusterColor(points.cluster[row])) }} />
                <span className="muted map-rows__num">{rowNumber(row)}</span>
                <span className="map-rows__text">{loaded ? loaded.text : '…'}</span>
              </button>
            </div>
          )
        })}
      </div>
    </div>
  )
}
