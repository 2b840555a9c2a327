import { useState } from 'react'
import type { Dataset } from '../../../src-main/contract'
import { useExploreMode } from '../../app/explore-mode'
import { EmbedPanel } from '../embed/EmbedPanel'
import { EvaluateView } from '../evaluate/EvaluateView'
import '../evaluate/evaluate.css'
import { MapSection } from '../map/MapSection'
import type { ShownRun } from '../map/shown-run'
import { RowsView } from '../rows/RowsView'

/**
 * One dataset: its map (or the way to get one) and its rows, with the Embed panel beside them. Once the map is shown
 * (explore mode) it takes the whole view: the rows table docks inside the map, and the Embed panel becomes a drawer.
 */
export function DatasetView({ dataset }: { dataset: Dataset }) {
  const mode = useExploreMode()
  const [tab, setTab] = useState<'map' | 'evaluate'>('map')
  // The run the map shows: the Embed panel's model picker follows its model.
  const [shownRun, setShownRun] = useState<ShownRun | null>(null)
  const mapRun = shownRun && shownRun.datasetId === dataset.id ? shownRun : null
  const tabs = (
    <nav className="view-tabs" aria-label="Dataset views">
      {(['map', 'evaluate'] as const).map((t) => (
        <button
          key={t}
          type="button"
          className={`btn btn--small${tab === t ? ' is-active' : ''}`}
          aria-pressed={tab === t}
          onClick={() => setTab(t)}
          data-testid={`view-tab-${t}`}
        >
          {t === 'map' ? 'Map & rows' : 'Evaluate models'}
        </button>
      ))}
    </nav>
  )
  if (tab === 'evaluate')
    return (
      <div className="dataset-view dataset-view--evaluate" data-testid="dataset-view">
        {tabs}
        <EvaluateView dataset={dataset} />
      </div>
    )
  return (
    <div className={`dataset-view${mode.exploring ? ' dataset-view--explore' : ''}`} data-testid="dataset-view">
      <div className="dataset-view__main">
        {tabs}
        <MapSection dataset={dataset} onShownRun={setShownRun} />
        {!mode.exploring && <RowsView dataset={dataset} />}
      </div>
      {/* Hidden rather than unmounted when folded: the model picked and the form filled stay as they were. */}
      <aside className={`dataset-view__side${mode.exploring ? ' dataset-view__side--drawer' : ''}`} hidden={!mode.embedOpen} data-testid="embed-drawer">
        {mode.exploring && (
          <button type="button" className="btn btn--small drawer-close" data-testid="embed-drawer-close" onClick={() => mode.setEmbedOpen(false)}>
            Close
          </button>
        )}
        <EmbedPanel dataset={dataset} mapRun={mapRun} />
      </aside>
    </div>
  )
}
