import { useMemo } from 'react'
import { useEngineEvent, useQuery } from '../../api/hooks'
import { decodePoints, type DecodedPoints } from '../../map/decode'

/** The dataset's latest analysis (or run `runId`) as map arrays; reloaded whenever an analysis of the dataset changes. */
export function useMapPoints(datasetId: number, runId?: number) {
  const q = useQuery('analysis.points', { datasetId, runId }, `${datasetId}:${runId ?? 'latest'}`)
  useEngineEvent((e) => {
    if (e.type === 'analysis.changed' && e.datasetId === datasetId) q.reload()
  })
  const points: DecodedPoints | undefined = useMemo(() => (q.value ? decodePoints(q.value) : undefined), [q.value])
  // NOT_FOUND is the ordinary "not analyzed yet" answer, not a failure to show.
  const notAnalyzed = !q.value && q.error?.code === 'NOT_FOUND'
  return { points, notAnalyzed, error: notAnalyzed ? undefined : q.error, loading: q.loading }
}
