import { useMemo, useState } from 'react'
import { jobResult, type Dataset, type EvalTaskKind, type EvaluationRun } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { useQuery } from '../../api/hooks'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { JobProgress } from '../jobs/JobProgress'
import { useJobs } from '../jobs/useJobs'
import { ResultsPanel } from './ResultsPanel'
import { StoredRuns } from './StoredRuns'
import { TASK_LABELS, TASK_ROLES, defaultColumns, taskSpec } from './task-columns'
import './evaluate.css'

const KINDS = Object.keys(TASK_ROLES) as EvalTaskKind[]

/**
 * Evaluate models on this dataset: a task and its columns, the models to compare (present catalog models and local
 * folders), a cancellable evaluate job, then the comparison (table and plots) — or any stored result.
 */
export function EvaluateView({ dataset }: { dataset: Dataset }) {
  const [kind, setKind] = useState<EvalTaskKind>('classification')
  const [columns, setColumns] = useState(() => defaultColumns(dataset, 'classification'))
  const [chosen, setChosen] = useState<Set<string>>(new Set())
  const [jobId, setJobId] = useState<number | null>(null)
  const [shownIds, setShownIds] = useState<number[] | null>(null)
  const [error, setError] = useState<ApiError>()
  const models = useQuery('models.list', { datasetId: dataset.id }, String(dataset.id))
  const present = (models.value?.models ?? []).filter((m) => m.downloaded || m.source === 'local')
  const { jobs } = useJobs()
  const job = jobId === null ? undefined : jobs.find((j) => j.id === jobId)
  const finishedIds = useMemo(() => (job?.state === 'succeeded' ? jobResult('evaluate', job).runIds : null), [job])
  const ids = finishedIds ?? shownIds
  const runs = useQuery('eval.runs', ids ? { ids } : null, ids ? ids.join(',') : '')
  const ordered: EvaluationRun[] = ids && runs.value ? ids.flatMap((id) => runs.value!.filter((r) => r.id === id)) : []

  function pickKind(k: EvalTaskKind) {
    setKind(k)
    setColumns(defaultColumns(dataset, k))
  }

  async function start() {
    setError(undefined)
    setShownIds(null)
    try {
      const r = await invoke('eval.start', {
        task: taskSpec(dataset.id, kind, columns),
        models: [...chosen],
        baseline: true,
        matryoshka: true,
        device: 'auto',
        recompute: false,
      })
      setJobId(r.jobId)
    } catch (err) {
      setError(toApiError(err))
    }
  }

  const running = job !== undefined && (job.state === 'queued' || job.state === 'running')
  return (
    <div className="evaluate-view" data-testid="evaluate-view">
      <section className="panel evaluate-form" aria-labelledby="evaluate-heading">
        <h2 id="evaluate-heading" className="panel__title">
          Evaluate models on {dataset.name}
        </h2>
        <div className="evaluate-form__grid">
          <label className="field">
            <span className="field__label">Task</span>
            <select value={kind} onChange={(e) => pickKind(e.target.value as EvalTaskKind)} data-testid="eval-task">
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {TASK_LABELS[k]}
                </option>
              ))}
            </select>
          </label>
          {TASK_ROLES[kind].map((role) => (
            <label key={role.key} className="field">
              <span className="field__label">{role.label}</span>
              <select
                value={columns[role.key]}
                onChange={(e) => setColumns({ ...columns, [role.key]: e.target.value })}
                data-testid={`eval-column-${role.key}`}
              >
                {dataset.columns.map((c) => (
                  <option key={c.idx} value={c.name}>
                    {c.name} ({c.type})
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
        <fieldset className="evaluate-form__models" data-testid="eval-models">
          <legend className="field__label">Models (beside the lexical baseline)</legend>
          {models.error && <ErrorMessage error={models.error} title="Could not list the models" />}
          {models.value && present.length === 0 && <p className="muted">No model is downloaded yet: download one in the Embed panel.</p>}
          {present.map((m) => (
            <label key={m.id} className="field__check">
              <input
                type="checkbox"
                checked={chosen.has(m.id)}
                onChange={(e) => {
                  const next = new Set(chosen)
                  if (e.target.checked) next.add(m.id)
                  else next.delete(m.id)
                  setChosen(next)
                }}
                data-testid={`eval-model-${m.id}`}
              />
              {m.displayName} <span className="muted">({m.languages.slice(0, 3).join(', ') || 'languages unknown'})</span>
            </label>
          ))}
        </fieldset>
        <button type="button" className="btn btn--primary" disabled={running || chosen.size === 0} onClick={() => void start()} data-testid="eval-start">
          Evaluate {chosen.size} model{chosen.size === 1 ? '' : 's'}
        </button>
        {error && <ErrorMessage error={error} title="Could not start the evaluation" onDismiss={() => setError(undefined)} />}
        {job && job.state !== 'succeeded' && <JobProgress job={job} errorTitle="The evaluation failed" />}
      </section>
      {runs.error && <ErrorMessage error={runs.error} title="Could not read the results" />}
      <ResultsPanel runs={ordered} />
      <StoredRuns
        onShow={(list) => {
          setJobId(null)
          setShownIds(list)
        }}
      />
    </div>
  )
}
