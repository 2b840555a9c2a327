import { EmbedMapError } from '../errors'
import { encodeFrame } from '../contract/binary-frame'
import type { MapPointsHeader } from '../contract'
import { clusterLabel } from '../analyze/cluster-label'
import type { AnalysisRepo } from '../store/analysis-repo'
import type { AnalysisService } from './analysis-service'

/**
 * Everything the map draws, as one binary frame (contract/binary-frame.ts) holding the analysis BLOBs as they are:
 * coords f32 n×2, cluster i32 n, anomaly f32 n, flags u8 n, with the clusters' labels and centres in the header.
 * At 1M points that is 17 MB of bytes instead of ~27 MB of base64 text inside JSON, and the renderer reads it
 * through typed-array views without decoding anything.
 */
export class PointsService {
  constructor(
    private readonly repo: AnalysisRepo,
    private readonly analysis: AnalysisService,
  ) {}

  points(datasetId: number, runId?: number): Uint8Array<ArrayBuffer> {
    const run = this.analysis.requireRun(datasetId, runId)
    const projection = run.projectionId !== null ? this.repo.projection(run.projectionId) : null
    if (!projection)
      throw new EmbedMapError('NOT_FOUND', `Analysis run ${run.id} has no 2D projection yet.`, `Run \`embedmap analyze --dataset ${datasetId}\` again.`)
    const coords = projection.coords
    const n = coords.length / 2
    const clustering = run.clusteringId !== null ? this.repo.clustering(run.clusteringId) : null
    const anomalies = run.anomalyRunId !== null ? this.repo.anomalies(run.anomalyRunId) : null
    const cluster = clustering?.assignments.length === n ? clustering.assignments : new Int32Array(n).fill(-1)
    const anomaly = anomalies?.scores.length === n ? anomalies.scores : new Float32Array(n)
    const flags = anomalies?.flags.length === n ? anomalies.flags : new Uint8Array(n)
    const header: Omit<MapPointsHeader, 'kind'> = {
      runId: run.id,
      n,
      clusters: (clustering?.clusters ?? []).map((c) => ({ idx: c.idx, size: c.size, label: clusterLabel(c), ...centroid(coords, cluster, c.idx) })),
      coarse: coarseLevel(clustering?.params.hierarchy, coords, cluster),
    }
    return encodeFrame('points', header, { coords, cluster, anomaly, flags })
  }
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

interface StoredHierarchy {
  parentOf: number[]
  coarse: { idx: number; size: number; keywords: { term: string }[] }[]
}

/** The coarse level's labels and centres (centres of all rows whose fine cluster belongs to it). */
function coarseLevel(stored: unknown, coords: Float32Array, cluster: Int32Array): MapPointsHeader['coarse'] {
  const h = stored as StoredHierarchy | null | undefined
  if (!h || !Array.isArray(h.parentOf) || !Array.isArray(h.coarse)) return null
  const coarseOf = Int32Array.from(cluster, (c) => (c >= 0 && c < h.parentOf.length ? h.parentOf[c] : -1))
  return {
    parentOf: h.parentOf,
    clusters: h.coarse.map((c) => ({
      idx: c.idx,
      size: c.size,
      label: clusterLabel({ name: null, keywords: c.keywords, idx: c.idx }),
      ...centroid(coords, coarseOf, c.idx),
    })),
  }
}
