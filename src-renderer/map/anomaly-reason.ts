import type { AnalysisSummary } from '../../src-main/contract'

type Anomalies = AnalysisSummary['anomalies']
type TopRow = Anomalies['top'][number]

const METHOD_WHAT: Record<string, string> = {
  lof: 'its neighbourhood is much sparser than its neighbours’ (local outlier factor)',
  centroid: 'far from the centre of the whole data set',
  'cluster-centroid': 'far from the centre of its cluster',
}

/** Two decimals, or two significant digits for small values (a tiny model's distances are all below 0.01). */
export function formatMeasure(x: number): string {
  return Math.abs(x) >= 0.1 || x === 0 ? x.toFixed(2) : x.toPrecision(2)
}

/**
 * Why a row was flagged, in words a reader can check: which measure put it there and how it compares with the typical
 * row ("far from its 10 nearest rows: distance 0.62 vs typical 0.31", or "unusual characters…" for text surprisal).
 */
export function anomalyReason(a: Pick<Anomalies, 'method' | 'neighbours' | 'typical'>, row: TopRow): string {
  const typicalNear = a.typical.meanNeighborDistance
  const near = row.meanNeighborDistance
  if (row.reason === 'text' && row.textSurprisal !== null) {
    const typ = a.typical.textSurprisal
    return `unusual characters for this data: ${formatMeasure(row.textSurprisal)} nats/char${typ !== null ? ` vs typical ${formatMeasure(typ)}` : ''}`
  }
  if ((a.method === 'knn' || a.method === 'knn-text') && near !== null) {
    return `far from its ${a.neighbours} nearest rows: distance ${formatMeasure(near)}${typicalNear !== null ? ` vs typical ${formatMeasure(typicalNear)}` : ''}`
  }
  const what = METHOD_WHAT[a.method] ?? `raw score ${row.rawDistance.toFixed(3)}`
  return `${what} (${a.method === 'lof' ? 'LOF' : 'distance'} ${row.rawDistance.toFixed(a.method === 'lof' ? 2 : 3)})`
}
