import { useEffect, useState } from 'react'
import { loadLastDataset, storeLastDataset } from '../map/view-storage'
import { hasTransport } from '../api/client'
import { ApiError } from '../api/errors'
import { useConnected, useQuery } from '../api/hooks'
import { DatasetList } from '../features/datasets/DatasetList'
import { DatasetView } from '../features/datasets/DatasetView'
import { useDatasets } from '../features/datasets/useDatasets'
import { ImportPreview } from '../features/import/ImportPreview'
import { ImportSource, type ChosenFile } from '../features/import/ImportSource'
import { FinetuneView } from '../features/finetune/FinetuneView'
import { JobsPanel } from '../features/jobs/JobsPanel'
import { ErrorMessage } from '../ui/ErrorMessage'
import { ExploreModeProvider, useExploreMode } from './explore-mode'

export function App() {
  if (!hasTransport) return <NoToken />
  return (
    <ExploreModeProvider>
      <Workspace />
    </ExploreModeProvider>
  )
}

function Workspace() {
  const datasets = useDatasets()
  // The last opened dataset comes back when the app opens again.
  const [selectedId, setSelectedId] = useState<number | null>(loadLastDataset)
  useEffect(() => storeLastDataset(selectedId), [selectedId])
  const [importing, setImporting] = useState<ChosenFile | null>(null)
  // The Fine-tune view of the open dataset replaces its map and rows until closed.
  const [finetuning, setFinetuning] = useState(false)
  // Null while the list has not caught up with a new import, or after the dataset was deleted elsewhere.
  const selected = datasets.value?.find((d) => d.id === selectedId) ?? null
  const mode = useExploreMode()
  const drawer = mode.exploring

  return (
    <div className={`app${mode.exploring ? ' app--explore' : ''}${mode.fullscreen ? ' app--fullscreen' : ''}`} data-testid="app" data-explore={mode.exploring}>
      {!mode.fullscreen && (
        <AppHeader dataset={selected?.name} finetune={selected && !importing ? { active: finetuning, toggle: () => setFinetuning((f) => !f) } : undefined} />
      )}
      <div className={`layout${drawer ? ' layout--explore' : ''}`}>
        {drawer && mode.workspaceOpen && <div className="drawer-scrim" onClick={() => mode.setWorkspaceOpen(false)} />}
        <aside className={`sidebar${drawer ? ' sidebar--drawer' : ''}`} hidden={!mode.workspaceOpen} data-testid="workspace" aria-label="Workspace">
          <ImportSource
            onChosen={(file) => {
              setImporting(file)
              mode.setWorkspaceOpen(false)
            }}
          />
          <DatasetList
            datasets={datasets.value}
            loading={datasets.loading}
            error={datasets.error}
            selectedId={selectedId}
            onSelect={(id) => {
              setImporting(null)
              setFinetuning(false)
              setSelectedId(id)
              // Picking a dataset is the end of the errand: the drawer gives the room back to the map.
              mode.setWorkspaceOpen(false)
            }}
            onDeleted={(id) => {
              if (id === selectedId) setSelectedId(null)
              datasets.reload()
            }}
          />
          <JobsPanel />
        </aside>
        <main className="content">
          {importing ? (
            <ImportPreview
              key={importing.path}
              file={importing}
              onCancel={() => setImporting(null)}
              onStarted={({ datasetId }) => {
                setImporting(null)
                setSelectedId(datasetId)
                datasets.reload()
              }}
            />
          ) : selected && finetuning ? (
            <FinetuneView key={selected.id} dataset={selected} onClose={() => setFinetuning(false)} />
          ) : selected ? (
            <DatasetView key={selected.id} dataset={selected} />
          ) : (
            <div className="empty-state empty-state--center">
              <h2>Your text, mapped</h2>
              <p className="muted">Import a CSV on the left, or pick a dataset to browse its rows.</p>
            </div>
          )}
        </main>
      </div>
    </div>
  )
}

function AppHeader({ dataset, finetune }: { dataset?: string; finetune?: { active: boolean; toggle(): void } }) {
  const info = useQuery('app.info', {}, 'once')
  const connected = useConnected()
  const mode = useExploreMode()
  return (
    <header className="app-header">
      <h1 className="app-header__title">EmbedMap</h1>
      {mode.exploring && (
        <>
          <button
            type="button"
            className={`btn btn--small${mode.workspaceOpen ? ' is-active' : ''}`}
            data-testid="workspace-toggle"
            aria-expanded={mode.workspaceOpen}
            onClick={() => mode.setWorkspaceOpen(!mode.workspaceOpen)}
          >
            ☰ Datasets &amp; import
          </button>
          {dataset && (
            <span className="app-header__dataset" data-testid="header-dataset">
              {dataset}
            </span>
          )}
          <button
            type="button"
            className={`btn btn--small${mode.embedOpen ? ' is-active' : ''}`}
            data-testid="embed-toggle"
            aria-expanded={mode.embedOpen}
            onClick={() => mode.setEmbedOpen(!mode.embedOpen)}
          >
            Embeddings
          </button>
        </>
      )}
      {finetune && (
        <button
          type="button"
          className={`btn btn--small${finetune.active ? ' is-active' : ''}`}
          data-testid="finetune-toggle"
          aria-pressed={finetune.active}
          onClick={finetune.toggle}
        >
          Fine-tune
        </button>
      )}
      {info.value && (
        <span className="app-header__meta" title={info.value.dbPath}>
          v{info.value.version} · {info.value.mode === 'browser' ? 'browser mode' : 'desktop'}
        </span>
      )}
      {!connected && (
        <span className="badge badge--warn" role="status" data-testid="connection-lost">
          Reconnecting to EmbedMap…
        </span>
      )}
      {info.error && <ErrorMessage error={info.error} title="The engine is not answering" />}
    </header>
  )
}

function NoToken() {
  return (
    <div className="no-token">
      <h1>EmbedMap</h1>
      <ErrorMessage
        error={
          new ApiError({
            code: 'BAD_INPUT',
            message: 'This page was opened without its access token.',
            hint: 'Open the full address printed by `embedmap serve` — it ends with #token=…',
          })
        }
      />
    </div>
  )
}
