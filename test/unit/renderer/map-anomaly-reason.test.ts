import { describe, expect, it } from 'vitest'
import { anomalyReason } from '../../../src-renderer/map/anomaly-reason'

const row = { row: 3, text: 'x', score: 0.9, rawDistance: 1.7, cluster: 1, neighbors: [], reason: null, meanNeighborDistance: 0.62, textSurprisal: 5.1 }

describe('anomaly reason', () => {
  it('neighbourhood: the distance to the nearest rows against the typical one', () => {
    const a = { method: 'knn-text', neighbours: 10, typical: { meanNeighborDistance: 0.31, textSurprisal: 2.4 } }
    expect(anomalyReason(a, { ...row, reason: 'neighbourhood' })).toBe('far from its 10 nearest rows: distance 0.62 vs typical 0.31')
    expect(anomalyReason({ ...a, method: 'knn' }, row)).toBe('far from its 10 nearest rows: distance 0.62 vs typical 0.31')
  })

  it('text: the characters’ surprisal against the typical row', () => {
    const a = { method: 'knn-text', neighbours: 10, typical: { meanNeighborDistance: 0.31, textSurprisal: 2.4 } }
    expect(anomalyReason(a, { ...row, reason: 'text' })).toBe('unusual characters for this data: 5.10 nats/char vs typical 2.40')
  })

  it('small distances keep two significant digits instead of rounding to 0.00', () => {
    const a = { method: 'knn', neighbours: 10, typical: { meanNeighborDistance: 0.0012, textSurprisal: null } }
    expect(anomalyReason(a, { ...row, meanNeighborDistance: 0.021 })).toBe('far from its 10 nearest rows: distance 0.021 vs typical 0.0012')
  })

  it('other methods name their measure; a missing typical value is left out, not invented', () => {
    const none = { meanNeighborDistance: null, textSurprisal: null }
    expect(anomalyReason({ method: 'knn', neighbours: 5, typical: none }, row)).toBe('far from its 5 nearest rows: distance 0.62')
    expect(anomalyReason({ method: 'lof', neighbours: 10, typical: none }, row)).toContain('LOF 1.70')
    expect(anomalyReason({ method: 'centroid', neighbours: 10, typical: none }, row)).toBe('far from the centre of the whole data set (distance 1.700)')
  })
})
