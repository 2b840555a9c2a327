import type { AnalysisSummary } from '../../src-main/contract'

type Anomalies = AnalysisSummary['anomalies']
type TopRow = Anomalies['top'][number]

const METHOD_WHAT: Record<string, string> = {
  lof: 'its neighbourhood is much sparser than its neighbours’ (local outlier factor)',
  centroid: 'far from the centre of the whole data set',
  'cluster-centroid': 'far from the centre of its cluster',
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
    return `unusual characters for this data: ${row.textSurprisal.toFixed(2)} nats/char${typ !== null ? ` vs typical ${typ.toFixed(2)}` : ''}`
  }
  if ((a.method === 'knn' || a.method === 'knn-text') && near !== null) {
    return `far from its ${a.neighbours} nearest rows: distance ${near.toFixed(2)}${typicalNear !== null ? ` vs typical ${typicalNear.toFixed(2)}` : ''}`
  }
  const what = METHOD_WHAT[a.method] ?? `raw score ${row.rawDistance.toFixed(3)}`
  return `${what} (${a.method === 'lof' ? 'LOF' : 'distance'} ${row.rawDistance.toFixed(a.method === 'lof' ? 2 : 3)})`
}
