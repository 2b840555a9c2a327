import { useCallback, useEffect, useRef, useState } from 'react'
import type { Row } from '../../../src-main/contract'
import { invoke } from '../../api/client'

const PAGE = 100

/**
 * Rows of an arbitrary index list (a selection), fetched page by page with rows.get as a virtualized list scrolls.
 * A new list drops the cache; answers for an older list are ignored.
 */
export function useRowsByIndex(datasetId: number, rows: Int32Array) {
  const pages = useRef(new Map<number, Row[]>())
  const inflight = useRef(new Set<number>())
  const [, setVersion] = useState(0)
  const listRef = useRef(rows)

  useEffect(() => {
    listRef.current = rows
    pages.current = new Map()
    inflight.current = new Set()
    setVersion((v) => v + 1)
  }, [rows])

  const ensure = useCallback(
    (first: number, last: number) => {
      const list = listRef.current
      for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) {
        if (pages.current.has(p) || inflight.current.has(p)) continue
        const mine = inflight.current
        mine.add(p)
        invoke('rows.get', { datasetId, rows: Array.from(list.subarray(p * PAGE, (p + 1) * PAGE)) }).then(
          (got) => {
            if (listRef.current !== list) return
            mine.delete(p)
            pages.current.set(p, got)
            setVersion((v) => v + 1)
          },
          () => mine.delete(p),
        )
      }
    },
    [datasetId],
  )

  const rowAt = (i: number): Row | undefined => pages.current.get(Math.floor(i / PAGE))?.[i % PAGE]
  return { ensure, rowAt }
}
