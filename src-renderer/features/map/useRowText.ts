import { useEffect, useRef, useState } from 'react'
import { invoke } from '../../api/client'

/**
 * The text of one row, fetched after `delayMs` of the row staying the same (a hover sweeping over the map must not
 * fire a request per point), and remembered for the component's lifetime.
 */
export function useRowText(datasetId: number, row: number | null, delayMs: number): { text: string | undefined; failed: boolean } {
  const cache = useRef(new Map<number, string>())
  const [, setVersion] = useState(0)
  const [failed, setFailed] = useState(false)

  useEffect(() => {
    setFailed(false)
    if (row === null || cache.current.has(row)) return
    let live = true
    const timer = setTimeout(() => {
      invoke('datasets.rows', { id: datasetId, offset: row, limit: 1 }).then(
        (page) => {
          cache.current.set(row, page.rows[0]?.text ?? '')
          if (live) setVersion((v) => v + 1)
        },
        () => live && setFailed(true),
      )
    }, delayMs)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [datasetId, row, delayMs])

  return { text: row === null ? undefined : cache.current.get(row), failed }
}
