import { useState } from 'react'
import type { Dataset } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { ApiError, toApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { formatInt } from '../../ui/format'
import { isActive } from '../jobs/job-format'
import { useJobs } from '../jobs/useJobs'
import { AddEmbeddingServer } from './AddEmbeddingServer'
import { AddLocalModel } from './AddLocalModel'
import { AdvancedOptions, type Device, type Variant } from './AdvancedOptions'
import { DimsSelect } from './DimsSelect'
import { DownloadModel } from './DownloadModel'
import { currentEmbedJob, existingSet } from './embed-jobs'
import { EmbeddingSetList } from './EmbeddingSetList'
import { EmbedJobStatus } from './EmbedJobStatus'
import { DEFAULT_ENGINE, EngineChoice, engineInput, type EngineState } from './EngineChoice'
import { ModelDetails } from './ModelDetails'
import { listedModelId, needsDownload, pickerModelId, type ModelChoice } from './models'
import { ModelPicker } from './ModelPicker'
import { RemoteEstimate } from './RemoteEstimate'
import { RemoveModelButton } from './RemoveModelButton'
import { useEmbeddingSets } from './useEmbeddingSets'
import { useModels } from './useModels'

/**
 * Turns the dataset's texts into vectors: pick a model (downloading it first if needed, or adding a local folder),
 * start the embed job, follow it, and see the embedding sets the dataset has. With a map on screen, the picker shows
 * the model of the map's run until the user picks another, and follows the map when it switches to another model's run.
 */
export function EmbedPanel({ dataset, mapRun = null }: { dataset: Dataset; mapRun?: { setId: number; modelId: string } | null }) {
  const models = useModels(dataset.id, dataset.status)
  const sets = useEmbeddingSets(dataset.id)
  const { jobs } = useJobs()
  const [choice, setChoice] = useState<ModelChoice | null>(null)
  const [dims, setDims] = useState<number | null>(null)
  const [variant, setVariant] = useState<Variant | ''>('')
  const [device, setDevice] = useState<Device>('auto')
  const [startedJobId, setStartedJobId] = useState<number | null>(null)
  const [starting, setStarting] = useState(false)
  const [startError, setStartError] = useState<ApiError>()
  const [addingLocal, setAddingLocal] = useState(false)
  // One action from import to map: the engine analyzes the vectors as soon as they are complete.
  const [mapAfter, setMapAfter] = useState(true)
  const [engine, setEngine] = useState<EngineState>(DEFAULT_ENGINE)

  const list = models.value?.models ?? []
  const language = models.value?.datasetLanguage ?? null
  // A switch of the map to another model's run ends the user's own pick: the picker follows the map again (also
  // when the map comes back to the model the pick was made over).
  const follow = mapRun ? listedModelId(list, mapRun.modelId) : null
  const [followed, setFollowed] = useState(follow)
  if (followed !== follow) {
    setFollowed(follow)
    setChoice(null)
  }
  const modelId = pickerModelId(list, language, choice, mapRun?.modelId ?? null)
  const model = list.find((m) => m.id === modelId)
  const job = currentEmbedJob(jobs, dataset.id, startedJobId)
  const jobRunning = job !== null && isActive(job)
  const already = model && sets.value ? existingSet(sets.value, model, dims) : undefined

  function choose(id: string) {
    // Made over the model the picker follows now: it holds until the map shows another model's run.
    setChoice({ id, over: follow })
    setDims(null)
    setStartError(undefined)
  }

  async function start() {
    if (!model) return
    const where = model.source === 'remote' ? { engine: 'local' as const } : engineInput(engine)
    if (typeof where === 'string') {
      setStartError(new ApiError({ code: 'BAD_INPUT', message: where }))
      return
    }
    setStarting(true)
    setStartError(undefined)
    try {
      const { jobId } = await invoke('embed.start', {
        datasetId: dataset.id,
        model: model.id,
        device,
        ...where,
        ...(variant ? { variant } : {}),
        ...(dims !== null ? { dims } : {}),
        analyzeAfter: mapAfter,
      })
      setStartedJobId(jobId)
    } catch (err) {
      setStartError(toApiError(err))
    } finally {
      setStarting(false)
    }
  }

  return (
    <section className="panel embed-panel" data-testid="embed-panel" aria-labelledby="embed-heading">
      <h2 id="embed-heading" className="panel__title">
        Embed
      </h2>
      {models.error && <ErrorMessage error={models.error} title="Could not list the models" />}
      {!models.value && models.loading && <p className="muted">Loading models…</p>}
      {model && (
        <>
          <ModelPicker models={list} datasetLanguage={language} value={model.id} onChange={choose} disabled={starting} />
          <ModelDetails model={model} datasetLanguage={language} actions={<RemoveModelButton model={model} onRemoved={models.reload} />} />
          {model.matryoshkaDims && model.dims && <DimsSelect full={model.dims} options={model.matryoshkaDims} value={dims} onChange={setDims} />}
          {model.source === 'remote' ? (
            <RemoteEstimate datasetId={dataset.id} modelId={model.id} />
          ) : (
            <>
              <EngineChoice value={engine} onChange={setEngine} disabled={starting || jobRunning} />
              <AdvancedOptions variant={variant} device={device} onVariant={setVariant} onDevice={setDevice} />
            </>
          )}
          {needsDownload(model) ? (
            <DownloadModel model={model} variant={variant} jobs={jobs} onUseLocalFolder={() => setAddingLocal(true)} />
          ) : (
            <div className="embed-start">
              {dataset.status !== 'ready' && <p className="muted">The dataset is still importing; embed it when the import has finished.</p>}
              {already && !jobRunning && (
                <p className="field__note" data-testid="embed-already">
                  Already embedded with this model; running it again only fills in rows that have no vector.
                </p>
              )}
              <label className="field__check">
                <input type="checkbox" checked={mapAfter} onChange={(e) => setMapAfter(e.target.checked)} data-testid="embed-map-after" />
                Then map it (analyze with the default settings)
              </label>
              <button
                type="button"
                className="btn btn--primary"
                onClick={() => void start()}
                disabled={starting || jobRunning || dataset.status !== 'ready' || !model.downloaded}
                data-testid="embed-start"
              >
                {starting
                  ? 'Starting…'
                  : `Embed ${formatInt(dataset.rowCount)} rows with ${model.displayName}${model.source !== 'remote' && engine.engine === 'ray' ? ' on Ray' : ''}`}
              </button>
            </div>
          )}
        </>
      )}
      {startError && <ErrorMessage error={startError} title="Could not start embedding" onDismiss={() => setStartError(undefined)} />}
      {job && <EmbedJobStatus job={job} />}
      <AddLocalModel
        open={addingLocal}
        onOpenChange={setAddingLocal}
        onAdded={(m) => {
          choose(m.id)
          models.reload()
        }}
        models={list}
        reload={models.reload}
      />
      <AddEmbeddingServer
        onAdded={(m) => {
          choose(m.id)
          models.reload()
        }}
      />
      <EmbeddingSetList sets={sets.value} error={sets.error} models={list} rowCount={dataset.rowCount} mapSetId={mapRun?.setId ?? null} />
    </section>
  )
}
