import { EmbedMapError } from '../errors'
import { clusterLabel } from '../analyze/cluster-label'
import type { AnalysisRepo } from '../store/analysis-repo'
import type { AnalysisService } from './analysis-service'

export interface MapCluster {
  idx: number
  size: number
  label: string
  /** Centroid of the cluster's points in map (projection) space, where its label is drawn. */
  x: number
  y: number
}

export interface MapPoints {
  runId: number
  n: number
  /** base64 of a Float32Array n×2 (x, y interleaved). */
  coords: string
  /** base64 of an Int32Array n (cluster index, -1 for none). */
  cluster: string
  /** base64 of a Float32Array n (normalized anomaly score, 0–1). */
  anomaly: string
  /** base64 of a Uint8Array n (1 = flagged outlier). */
  flags: string
  clusters: MapCluster[]
}

/**
 * Everything the map draws, as typed arrays straight from the analysis BLOBs. They travel base64-encoded so both
 * transports (Electron IPC and browser-mode HTTP) keep speaking JSON; at ~1M points that is ~27 MB of text per load,
 * so a binary transport (an ArrayBuffer over IPC, application/octet-stream over HTTP) is the next step.
 */
export class PointsService {
  constructor(
    private readonly repo: AnalysisRepo,
    private readonly analysis: AnalysisService,
  ) {}

  points(datasetId: number, runId?: number): MapPoints {
    const run = this.analysis.requireRun(datasetId, runId)
    const projection = run.projectionId !== null ? this.repo.projection(run.projectionId) : null
    if (!projection) throw new EmbedMapError('NOT_FOUND', `Analysis run ${run.id} has no 2D projection yet.`, `Run \`embedmap analyze --dataset ${datasetId}\` again.`)
    const coords = projection.coords
    const n = coords.length / 2
    const clustering = run.clusteringId !== null ? this.repo.clustering(run.clusteringId) : null
    const anomalies = run.anomalyRunId !== null ? this.repo.anomalies(run.anomalyRunId) : null
    const cluster = clustering?.assignments.length === n ? clustering.assignments : new Int32Array(n).fill(-1)
    const anomaly = anomalies?.scores.length === n ? anomalies.scores : new Float32Array(n)
    const flags = anomalies?.flags.length === n ? anomalies.flags : new Uint8Array(n)
    return {
      runId: run.id,
      n,
      coords: base64(coords),
      cluster: base64(cluster),
      anomaly: base64(anomaly),
      flags: base64(flags),
      clusters: (clustering?.clusters ?? []).map((c) => ({ idx: c.idx, size: c.size, label: clusterLabel(c), ...centroid(coords, cluster, c.idx) })),
    }
  }
}

function base64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')
}

function centroid(coords: Float32Array, cluster: Int32Array, idx: number): { x: number; y: number } {
  let x = 0
  let y = 0
  let count = 0
  for (let i = 0; i < cluster.length; i++) {
    if (cluster[i] !== idx) continue
    x += coords[2 * i]
    y += coords[2 * i + 1]
    count++
  }
  return count ? { x: x / count, y: y / count } : { x: 0, y: 0 }
}
