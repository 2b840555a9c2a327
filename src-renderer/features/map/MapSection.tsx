import { useState } from 'react'
import type { Dataset } from '../../../src-main/contract'
import { useEngineEvent, useQuery } from '../../api/hooks'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { AnalyzePrompt } from './AnalyzePrompt'
import { MapView } from './MapView'
import type { ShownRun } from './shown-run'
import type { SidebarTab } from './SidebarTabs'
import { useMapPoints } from './useMapPoints'

/**
 * The map part of a dataset: the map once it has been analyzed, else the way to analyze it. `onShownRun` hears which
 * run (and so which model's vectors) the map shows, for the pickers outside the map that follow it.
 */
export function MapSection({ dataset, onShownRun }: { dataset: Dataset; onShownRun?(run: ShownRun): void }) {
  // An earlier run picked in the Run tab; undefined follows the latest (a new analysis then shows when it is done).
  const [runId, setRunId] = useState<number>()
  // A finished analysis is the one to look at, even after an earlier run was picked.
  useEngineEvent((e) => {
    if (e.type === 'job' && e.job.kind === 'analyze' && e.job.datasetId === dataset.id && e.job.state === 'succeeded') setRunId(undefined)
  })
  // Here rather than in MapView, which starts afresh for each run: picking a run must not leave the Run tab.
  const [tab, setTab] = useState<SidebarTab>('search')
  // The map's dataset view: its table is docked in the map (MapView); without a map the dataset view shows its own.
  const { points, notAnalyzed, error, loading } = useMapPoints(dataset.id, runId)
  // Asked beside the points, not after them: the canvas waits for it (a remembered view), and the server answers
  // requests in turn, after whatever the map's panels asked when they mounted.
  const savedView = useQuery('views.get', { datasetId: dataset.id }, String(dataset.id))
  if (notAnalyzed) return <AnalyzePrompt dataset={dataset} />
  if (error) return <ErrorMessage error={error} title="Could not load the map" />
  if (!points) return loading ? <p className="muted map-loading">Loading the map…</p> : null
  if (points.n === 0) return <AnalyzePrompt dataset={dataset} />
  return (
    <MapView
      key={points.runId}
      datasetId={dataset.id}
      dataset={dataset}
      points={points}
      onPickRun={setRunId}
      onShownRun={onShownRun}
      savedView={savedView}
      tab={tab}
      onTab={setTab}
    />
  )
}
