import type { Dataset } from '../../../src-main/contract'
import { EmbedPanel } from '../embed/EmbedPanel'
import { RowsView } from '../rows/RowsView'

/** One dataset: its rows, with the Embed panel beside them. */
export function DatasetView({ dataset }: { dataset: Dataset }) {
  return (
    <div className="dataset-view" data-testid="dataset-view">
      <RowsView dataset={dataset} />
      <aside className="dataset-view__side">
        <EmbedPanel dataset={dataset} />
      </aside>
    </div>
  )
}
