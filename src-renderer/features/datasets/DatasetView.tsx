import type { Dataset } from '../../../src-main/contract'
import { useExploreMode } from '../../app/explore-mode'
import { EmbedPanel } from '../embed/EmbedPanel'
import { MapSection } from '../map/MapSection'
import { RowsView } from '../rows/RowsView'

/**
 * One dataset: its map (or the way to get one) and its rows, with the Embed panel beside them. Once the map is shown
 * (explore mode) it takes the whole view: the rows table docks inside the map, and the Embed panel becomes a drawer.
 */
export function DatasetView({ dataset }: { dataset: Dataset }) {
  const mode = useExploreMode()
  return (
    <div className={`dataset-view${mode.exploring ? ' dataset-view--explore' : ''}`} data-testid="dataset-view">
      <div className="dataset-view__main">
        <MapSection dataset={dataset} />
        {!mode.exploring && <RowsView dataset={dataset} />}
      </div>
      {/* Hidden rather than unmounted when folded: the model picked and the form filled stay as they were. */}
      <aside className={`dataset-view__side${mode.exploring ? ' dataset-view__side--drawer' : ''}`} hidden={!mode.embedOpen} data-testid="embed-drawer">
        {mode.exploring && (
          <button type="button" className="btn btn--small drawer-close" data-testid="embed-drawer-close" onClick={() => mode.setEmbedOpen(false)}>
            Close
          </button>
        )}
        <EmbedPanel dataset={dataset} />
      </aside>
    </div>
  )
}
