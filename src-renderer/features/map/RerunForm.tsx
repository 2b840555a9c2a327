import { useId, useState } from 'react'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { isActive } from '../jobs/job-format'
import { JobProgress } from '../jobs/JobProgress'
import { useJobs } from '../jobs/useJobs'
import { rerunInput } from '../../map/rerun-input'
import { closeAlternatives } from '../../map/silhouette-plot'

/** Every anomaly method the engine has (AnalyzeStartSchema), the default first. */
const METHODS = ['knn-text', 'knn', 'lof', 'centroid', 'cluster-centroid'] as const
type Method = (typeof METHODS)[number]
const METHOD_LABEL: Record<Method, string> = {
  'knn-text': 'nearest rows or unusual text (default)',
  knn: 'distance to nearest rows',
  lof: 'local outlier factor',
  centroid: 'distance to the centre',
  'cluster-centroid': 'distance to its cluster’s centre',
}

/** Re-run the analysis with other parameters; the new run's progress shows here, and the map switches when it is done. */
export function RerunForm({
  datasetId,
  params,
  curve = [],
  chosenK,
}: {
  datasetId: number
  params: Record<string, unknown>
  /** The shown run's silhouette curve and k: close runner-ups are offered as one-click runs. */
  curve?: readonly { k: number; silhouette: number }[]
  chosenK?: number
}) {
  const id = useId()
  const [k, setK] = useState(typeof params.k === 'number' ? String(params.k) : 'auto')
  const [clusterMethod, setClusterMethod] = useState<'kmeans' | 'hdbscan'>(params.clusterMethod === 'hdbscan' ? 'hdbscan' : 'kmeans')
  const [anomaly, setAnomaly] = useState<Method>(METHODS.includes(params.anomaly as Method) ? (params.anomaly as Method) : 'knn-text')
  const [nNeighbors, setNNeighbors] = useState(typeof params.nNeighbors === 'number' ? params.nNeighbors : 15)
  const [minDist, setMinDist] = useState(typeof params.minDist === 'number' ? params.minDist : 0.1)
  const [jobId, setJobId] = useState<number | null>(null)
  const [error, setError] = useState<ApiError>()
  const { jobs } = useJobs()
  const job = jobId !== null ? jobs.find((j) => j.id === jobId) : undefined
  const kValue = k.trim() === '' || k.trim() === 'auto' ? 'auto' : Number(k)
  const kValid = kValue === 'auto' || (Number.isInteger(kValue) && kValue >= 1 && kValue <= 1000)

  const alternatives = chosenK !== undefined && clusterMethod === 'kmeans' ? closeAlternatives(curve, chosenK) : []
  const running = job !== undefined && isActive(job)

  async function start(kOverride?: number) {
    setError(undefined)
    if (kOverride !== undefined) setK(String(kOverride))
    try {
      // everything else (vectors, k range, flag rule, seed, UMAP engine…) stays as the shown run had it
      const r = await invoke('analyze.start', rerunInput(datasetId, params, { k: kOverride ?? kValue, anomaly, nNeighbors, minDist, clusterMethod }))
      setJobId(r.jobId)
    } catch (err) {
      setError(toApiError(err))
    }
  }

  return (
    <form
      className="map-rerun"
      data-testid="rerun-form"
      onSubmit={(e) => {
        e.preventDefault()
        void start()
      }}
    >
      {alternatives.length > 0 && (
        <div className="map-rerun__alternatives" data-testid="rerun-alternatives">
          <span className="muted">Nearly as good a silhouette:</span>
          {alternatives.map((a) => (
            <button
              key={a.k}
              type="button"
              className="btn btn--small"
              disabled={running}
              data-testid="rerun-alternative"
              data-k={a.k}
              data-of-best={a.ofBest.toFixed(3)}
              title={`Run the analysis again with k = ${a.k} (silhouette ${a.silhouette.toFixed(3)}, ${Math.round(a.ofBest * 100)} % of the best)`}
              onClick={() => void start(a.k)}
            >
              k = {a.k} · {Math.round(a.ofBest * 100)}&nbsp;%
            </button>
          ))}
        </div>
      )}
      <label htmlFor={`${id}-cm`}>Clusters by</label>
      <select
        id={`${id}-cm`}
        value={clusterMethod}
        onChange={(e) => setClusterMethod(e.target.value as 'kmeans' | 'hdbscan')}
        data-testid="rerun-cluster-method"
      >
        <option value="kmeans">k-means (k below)</option>
        <option value="hdbscan">density on the map (HDBSCAN, leaves sparse rows unclustered)</option>
      </select>
      <label htmlFor={`${id}-k`}>Clusters (k)</label>
      <input
        id={`${id}-k`}
        value={k}
        onChange={(e) => setK(e.target.value)}
        placeholder="auto"
        aria-invalid={!kValid}
        disabled={clusterMethod === 'hdbscan'}
        aria-describedby={`${id}-k-help`}
        data-testid="rerun-k"
      />
      <span id={`${id}-k-help`} className="muted map-rerun__help">
        “auto” or a number (1–1000)
      </span>
      <label htmlFor={`${id}-anomaly`}>Anomaly method</label>
      <select id={`${id}-anomaly`} value={anomaly} onChange={(e) => setAnomaly(e.target.value as Method)} data-testid="rerun-anomaly">
        {METHODS.map((m) => (
          <option key={m} value={m}>
            {m} — {METHOD_LABEL[m]}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-nn`}>UMAP neighbours</label>
      <input
        id={`${id}-nn`}
        type="number"
        min={2}
        max={200}
        step={1}
        value={nNeighbors}
        onChange={(e) => setNNeighbors(Number(e.target.value))}
        data-testid="rerun-nneighbors"
      />
      <label htmlFor={`${id}-md`}>UMAP min distance</label>
      <input
        id={`${id}-md`}
        type="number"
        min={0}
        max={1}
        step={0.05}
        value={minDist}
        onChange={(e) => setMinDist(Number(e.target.value))}
        data-testid="rerun-mindist"
      />
      <button type="submit" className="btn btn--small btn--primary" disabled={!kValid || running} data-testid="rerun-start">
        Run analysis
      </button>
      {job && (
        <div className="map-rerun__job" data-testid="rerun-job" data-job-state={job.state}>
          <JobProgress job={job} errorTitle="The analysis failed" />
        </div>
      )}
      {error && <ErrorMessage error={error} title="Could not start the analysis" onDismiss={() => setError(undefined)} />}
    </form>
  )
}
