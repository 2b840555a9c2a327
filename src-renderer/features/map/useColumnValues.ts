import { useEffect, useState } from 'react'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { decodeColumn, type ColumnValues } from '../../map/decode'

/** The metadata columns the map needs (colour, filters), each fetched once as a binary frame and kept. */
export function useColumnValues(datasetId: number, wanted: readonly number[]) {
  const [columns, setColumns] = useState<ReadonlyMap<number, ColumnValues>>(new Map())
  const [error, setError] = useState<ApiError>()
  const key = [...new Set(wanted)].sort((a, b) => a - b).join(',')
  useEffect(() => {
    let live = true
    const missing =
      key === ''
        ? []
        : key
            .split(',')
            .map(Number)
            .filter((c) => !columns.has(c))
    for (const column of missing) {
      invoke('datasets.column', { id: datasetId, column }).then(
        (bytes) => {
          if (!live) return
          const values = decodeColumn(bytes)
          setColumns((prev) => new Map(prev).set(column, values))
        },
        (err) => live && setError(toApiError(err)),
      )
    }
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [datasetId, key])
  return { columns, error }
}
