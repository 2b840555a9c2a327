import { useState } from 'react'
import type { Dataset } from '../../../src-main/contract'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { AnalyzePrompt } from './AnalyzePrompt'
import { MapView } from './MapView'
import { useMapPoints } from './useMapPoints'

/** The map part of a dataset: the map once it has been analyzed, else the way to analyze it. */
export function MapSection({ dataset }: { dataset: Dataset }) {
  // An earlier run picked in the Run tab; undefined follows the latest (a new analysis then shows when it is done).
  const [runId, setRunId] = useState<number>()
  const { points, notAnalyzed, error, loading } = useMapPoints(dataset.id, runId)
  if (notAnalyzed) return <AnalyzePrompt dataset={dataset} />
  if (error) return <ErrorMessage error={error} title="Could not load the map" />
  if (!points) return loading ? <p className="muted map-loading">Loading the map…</p> : null
  if (points.n === 0) return <AnalyzePrompt dataset={dataset} />
  return <MapView key={points.runId} datasetId={dataset.id} points={points} onPickRun={setRunId} />
}
