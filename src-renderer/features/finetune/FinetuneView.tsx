import { useEffect, useState } from 'react'
import type { Dataset, FinetuneCompare, FinetunePreview, FinetuneRun } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { usePoll } from '../../api/hooks'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { ProgressBar } from '../../ui/ProgressBar'
import { formatJobEta, isActive, jobFraction } from '../jobs/job-format'
import { useJobs } from '../jobs/useJobs'
import { useModels } from '../embed/useModels'
import { BeforeAfterTable } from './BeforeAfterTable'
import { CompareMaps } from './CompareMaps'
import { HYPER_FIELDS, initialForm, toStartInput, withMethod, type FinetuneFormState, type MethodKind, type SourceKind } from './finetune-form'
import { LossChart } from './LossChart'
import { PreviewPanel } from './PreviewPanel'
import { TrainingWeights } from './TrainingWeights'
import './finetune.css'

const POLL_MS = 700

/**
 * Fine-tune a model on this dataset: choose the base model and what belongs together (pair columns, a label column or
 * the map's clusters), preview the pairs and mined negatives, train an adapter with a live loss curve and held-out
 * evaluation, compare base and fine-tuned model, then embed and map the dataset with the new model and see both maps
 * aligned side by side.
 */
export function FinetuneView({ dataset, onClose }: { dataset: Dataset; onClose(): void }) {
  const models = useModels(dataset.id, dataset.status)
  const usable = (models.value?.models ?? []).filter((m) => m.downloaded)
  const [form, setForm] = useState<FinetuneFormState>(() => initialForm(dataset.columns))
  const [preview, setPreview] = useState<FinetunePreview | null>(null)
  const [busy, setBusy] = useState<'preview' | 'start' | null>(null)
  const [error, setError] = useState<ApiError>()
  const [jobId, setJobId] = useState<number | null>(null)
  const [run, setRun] = useState<FinetuneRun | null>(null)
  const { jobs } = useJobs()
  const job = jobId === null ? undefined : jobs.find((j) => j.id === jobId)
  const model = form.model || usable[0]?.id || ''
  const entry = usable.find((m) => m.id === model)
  // The full method trains PyTorch weights: without them the run cannot start (the box below offers the download).
  const weightsMissing = form.method === 'full' && entry?.training != null && !entry.training.ready

  // The run record, live while its job runs (loss and evaluation points arrive per epoch).
  const running = jobId !== null && (!run || run.status === 'running')
  usePoll(
    () => {
      if (jobId === null) return
      void invoke('finetune.runs', { jobId }).then(
        (rs) => rs[0] && setRun(rs[0]),
        () => {},
      )
    },
    running ? POLL_MS : null,
  )
  useEffect(() => {
    if (jobId !== null && job && !isActive(job)) void invoke('finetune.runs', { jobId }).then((rs) => rs[0] && setRun(rs[0]))
  }, [jobId, job])

  const set = (patch: Partial<FinetuneFormState>) => {
    setForm((f) => ({ ...f, ...patch }))
    setPreview(null)
  }
  const input = () => toStartInput(dataset.id, { ...form, model })

  async function doPreview() {
    setBusy('preview')
    setError(undefined)
    try {
      setPreview(await invoke('finetune.preview', input()))
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setBusy(null)
    }
  }

  async function start() {
    setBusy('start')
    setError(undefined)
    setRun(null)
    try {
      setJobId((await invoke('finetune.start', input())).jobId)
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setBusy(null)
    }
  }

  const columns = dataset.columns.map((c) => c.name)
  const columnSelect = (value: string, onChange: (v: string) => void, testId: string, optional = false) => (
    <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      {optional && <option value="">none</option>}
      {columns.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  )

  return (
    <div className="ft-view" data-testid="finetune-view">
      <header className="ft-view__head">
        <h2>Fine-tune a model on {dataset.name}</h2>
        <button type="button" className="btn btn--small" onClick={onClose} data-testid="finetune-close">
          Back to the dataset
        </button>
      </header>
      <div className="ft-view__cols">
        <section className="panel ft-form" aria-label="Training setup">
          <h3 className="panel__title">1 · Base model and data</h3>
          <label className="field">
            <span className="field__label">Base model</span>
            <select value={model} onChange={(e) => set({ model: e.target.value })} data-testid="finetune-model">
              {usable.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.displayName} {m.source === 'finetuned' ? '(fine-tuned)' : ''}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field__label">Method</span>
            <select value={form.method} onChange={(e) => setForm((f) => withMethod(f, e.target.value as MethodKind))} data-testid="finetune-method">
              <option value="adapter">Adapter — a linear map after the model</option>
              <option value="full">Full fine-tune — every weight (Python worker)</option>
            </select>
            <span className="field__note">
              {form.method === 'adapter'
                ? 'A linear map after the model, trained on its vectors: seconds on a CPU, no Python.'
                : 'sentence-transformers trains all weights in a Python environment EmbedMap manages (GPU when there is one); the base model needs its PyTorch weights. Minutes to hours.'}
            </span>
          </label>
          {form.method === 'full' && entry && <TrainingWeights model={entry} jobs={jobs} />}
          <fieldset className="ft-source">
            <legend className="field__label">What belongs together</legend>
            {(
              [
                ['columns', 'Pair columns (question → answer)'],
                ['label', 'Rows with the same label'],
                ['clusters', 'The clusters of the map'],
              ] as [SourceKind, string][]
            ).map(([k, label]) => (
              <label key={k} className="field__check">
                <input type="radio" name="ft-source" checked={form.source === k} onChange={() => set({ source: k })} data-testid={`finetune-source-${k}`} />{' '}
                {label}
              </label>
            ))}
          </fieldset>
          {form.source === 'columns' && (
            <div className="ft-columns">
              <label className="field">
                <span className="field__label">Anchor</span>
                {columnSelect(form.anchor, (v) => set({ anchor: v }), 'finetune-anchor')}
              </label>
              <label className="field">
                <span className="field__label">Positive</span>
                {columnSelect(form.positive, (v) => set({ positive: v }), 'finetune-positive')}
              </label>
              <label className="field">
                <span className="field__label">Negative</span>
                {columnSelect(form.negative, (v) => set({ negative: v }), 'finetune-negative', true)}
              </label>
            </div>
          )}
          {form.source === 'label' && (
            <label className="field">
              <span className="field__label">Label column</span>
              {columnSelect(form.label, (v) => set({ label: v }), 'finetune-label')}
            </label>
          )}
          <h3 className="panel__title">2 · Training settings</h3>
          <div className="ft-hyper">
            {HYPER_FIELDS.map((f) => (
              <label key={f.key} className="field" title={f.help}>
                <span className="field__label">{f.label}</span>
                <input
                  value={form.hyper[f.key]}
                  placeholder={f.key === 'maxLength' ? 'model default' : f.key === 'matryoshka' ? 'off' : ''}
                  onChange={(e) => set({ hyper: { ...form.hyper, [f.key]: e.target.value } })}
                  data-testid={`finetune-hyper-${f.key}`}
                />
                <span className="field__note">{f.help}</span>
              </label>
            ))}
            <label className="field">
              <span className="field__label">New model’s name</span>
              <input value={form.name} placeholder={`${model}-ftN`} onChange={(e) => set({ name: e.target.value })} data-testid="finetune-name" />
            </label>
          </div>
          <div className="form-actions">
            <button type="button" className="btn" disabled={!model || busy !== null} onClick={doPreview} data-testid="finetune-preview-btn">
              {busy === 'preview' ? 'Reading…' : 'Preview data'}
            </button>
            <button
              type="button"
              className="btn btn--primary"
              disabled={!model || busy !== null || running || weightsMissing}
              title={weightsMissing ? 'Download the training weights first' : undefined}
              onClick={start}
              data-testid="finetune-start"
            >
              {busy === 'start' ? 'Starting…' : 'Start training'}
            </button>
          </div>
          {error && <ErrorMessage error={error} title="Cannot fine-tune with these settings" />}
        </section>

        <div className="ft-results">
          {preview && <PreviewPanel preview={preview} />}
          {jobId !== null && (
            <section className="panel" aria-label="Training" data-testid="finetune-run">
              <h3 className="panel__title">3 · Training {run ? `— run ${run.id}, ${run.status}` : ''}</h3>
              {job && isActive(job) && (
                <>
                  <ProgressBar value={jobFraction(job)} label="Training progress" />
                  <p className="muted">{formatJobEta(job) ?? 'Starting…'}</p>
                </>
              )}
              {run && <LossChart run={run} />}
              {run && (run.before || run.after) && <BeforeAfterTable before={run.before} after={run.after} />}
              {run?.status === 'failed' && <p className="ft-error">{run.error}</p>}
              {run?.status === 'succeeded' && run.outputModelId && <UseModel dataset={dataset} run={run} baseLabel={model} />}
            </section>
          )}
          {!preview && jobId === null && (
            <section className="panel ft-hint">
              <p className="muted">
                Preview the data to see the pairs, the held-out split and the hard negatives mined from the base model’s vectors; then start training. The run
                measures retrieval on the held-out pairs before and after, and its model is registered like any other.
              </p>
            </section>
          )}
        </div>
      </div>
    </div>
  )
}

/** "Use this model": embed and map the dataset with it, then the base and new maps side by side. */
function UseModel({ dataset, run, baseLabel }: { dataset: Dataset; run: FinetuneRun; baseLabel: string }) {
  const [started, setStarted] = useState(false)
  const [error, setError] = useState<ApiError>()
  const [compare, setCompare] = useState<FinetuneCompare | null>(null)
  const [waiting, setWaiting] = useState('')

  async function use() {
    setError(undefined)
    try {
      await invoke('embed.start', { datasetId: dataset.id, model: run.outputModelId!, analyzeAfter: true })
      setStarted(true)
    } catch (err) {
      setError(toApiError(err))
    }
  }

  // Until both maps exist: the newest ready analysis of a set made by each model.
  usePoll(
    () => {
      void (async () => {
        const [sets, runs] = await Promise.all([invoke('embeddings.list', { datasetId: dataset.id }), invoke('analysis.runs', { datasetId: dataset.id })])
        const modelOf = new Map(sets.map((s) => [s.id, s.modelId]))
        const ready = runs.filter((r) => r.status === 'ready').sort((a, b) => b.runId - a.runId)
        const base = ready.find((r) => modelOf.get(r.setId) === run.baseModelId)
        const tuned = ready.find((r) => modelOf.get(r.setId) === run.outputModelId)
        if (!base) return setWaiting(`Map the dataset with ${run.baseModelId} too, to compare.`)
        if (!tuned) return setWaiting('Embedding and mapping with the fine-tuned model…')
        setCompare(await invoke('finetune.compare', { datasetId: dataset.id, baseRunId: base.runId, newRunId: tuned.runId, top: 50 }))
      })().catch((err) => setError(toApiError(err)))
    },
    started && !compare ? 1000 : null,
  )

  return (
    <div className="ft-use">
      <p>
        Model <b data-testid="finetune-model-id">{run.outputModelId}</b> is registered; it embeds like any other model.
      </p>
      {!started && (
        <button type="button" className="btn btn--primary" onClick={use} data-testid="finetune-use-model">
          Use this model: embed and map {dataset.name}
        </button>
      )}
      {started && !compare && <p className="muted">{waiting || 'Starting…'}</p>}
      {error && <ErrorMessage error={error} />}
      {compare && <CompareMaps compare={compare} baseLabel={baseLabel} newLabel={run.outputModelId!} />}
    </div>
  )
}
