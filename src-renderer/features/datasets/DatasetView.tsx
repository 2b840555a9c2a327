import type { Dataset } from '../../../src-main/contract'
import { EmbedPanel } from '../embed/EmbedPanel'
import { MapSection } from '../map/MapSection'
import { RowsView } from '../rows/RowsView'

/** One dataset: its map (or the way to get one) above its rows, with the Embed panel beside them. */
export function DatasetView({ dataset }: { dataset: Dataset }) {
  return (
    <div className="dataset-view" data-testid="dataset-view">
      <div className="dataset-view__main">
        <MapSection dataset={dataset} />
        <RowsView dataset={dataset} />
      </div>
      <aside className="dataset-view__side">
        <EmbedPanel dataset={dataset} />
      </aside>
    </div>
  )
}
