import { useCallback, useEffect, useRef, useState } from 'react'
import type { Row } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'

/** Rows per request: one page covers a few screens, so scrolling by a screen rarely waits for the network. */
export const PAGE_SIZE = 200
/** Pages kept in memory (≈ 40k rows); the ones farthest from where the user is are dropped first. */
const MAX_CACHED_PAGES = 200

/**
 * A sparse page cache over `datasets.rows` for the virtualized table: `ensure(first, last)` fetches the pages that
 * cover a range of row positions, `rowAt(i)` answers from memory (undefined = still loading). `resetKey` changes
 * (another dataset, a new filter, an import that finished) drop everything; answers to an older key are ignored.
 */
export function useRowPages(datasetId: number, query: string, resetKey: string) {
  const pages = useRef(new Map<number, Row[]>())
  const inflight = useRef(new Set<number>())
  const generation = useRef(0)
  const [, setVersion] = useState(0)
  const [total, setTotal] = useState<number | null>(null)
  const [error, setError] = useState<ApiError>()

  const fetchPage = useCallback(
    (page: number) => {
      const gen = generation.current
      inflight.current.add(page)
      invoke('datasets.rows', { id: datasetId, offset: page * PAGE_SIZE, limit: PAGE_SIZE, ...(query ? { query } : {}) }).then(
        (res) => {
          if (gen !== generation.current) return
          inflight.current.delete(page)
          pages.current.set(page, res.rows)
          evict(pages.current, page)
          setTotal(res.total)
          setError(undefined)
          setVersion((v) => v + 1)
        },
        (err) => {
          if (gen !== generation.current) return
          inflight.current.delete(page)
          setError(toApiError(err))
        },
      )
    },
    [datasetId, query],
  )

  useEffect(() => {
    generation.current++
    pages.current = new Map()
    inflight.current = new Set()
    setTotal(null)
    setError(undefined)
    fetchPage(0)
  }, [fetchPage, resetKey])

  const ensure = useCallback(
    (first: number, last: number) => {
      if (last < first) return
      for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) {
        if (!pages.current.has(p) && !inflight.current.has(p)) fetchPage(p)
      }
    },
    [fetchPage],
  )

  const rowAt = useCallback((i: number): Row | undefined => pages.current.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE], [])

  return { total, error, ensure, rowAt }
}

function evict(cache: Map<number, Row[]>, near: number): void {
  if (cache.size <= MAX_CACHED_PAGES) return
  const far = [...cache.keys()].sort((a, b) => Math.abs(b - near) - Math.abs(a - near))
  for (const p of far.slice(0, cache.size - MAX_CACHED_PAGES)) cache.delete(p)
}
