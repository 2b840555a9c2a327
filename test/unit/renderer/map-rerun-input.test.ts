import { describe, expect, it } from 'vitest'
import { AnalyzeStartSchema } from '../../../src-main/contract'
import { rerunInput } from '../../../src-renderer/map/rerun-input'

const stored = {
  datasetId: 3,
  setId: 7,
  k: 'auto',
  kMin: 3,
  kMax: 30,
  anomaly: 'knn-text',
  flag: { by: 'contamination', fraction: 0.02 },
  nNeighbors: 25,
  minDist: 0.3,
  umapEngine: 'umap-js',
  seed: 9,
  duplicateThreshold: 0.05,
  clusterMethod: 'hdbscan',
}

describe('re-run input', () => {
  it('keeps every stored setting the user did not change (knn-text stays knn-text)', () => {
    const input = AnalyzeStartSchema.parse(rerunInput(3, stored, { nNeighbors: 30 }))
    expect(input).toMatchObject({
      datasetId: 3,
      setId: 7,
      k: 'auto',
      kMin: 3,
      kMax: 30,
      anomaly: 'knn-text',
      contamination: 0.02,
      nNeighbors: 30,
      minDist: 0.3,
      umapEngine: 'umap-js',
      seed: 9,
      duplicateThreshold: 0.05,
      clusterMethod: 'hdbscan',
    })
    expect(input.threshold).toBeUndefined()
  })

  it('applies the edits, and a threshold rule travels as a threshold', () => {
    const input = AnalyzeStartSchema.parse(rerunInput(3, { ...stored, flag: { by: 'threshold', score: 0.9 } }, { anomaly: 'lof', k: 12 }))
    expect(input).toMatchObject({ anomaly: 'lof', k: 12, threshold: 0.9, seed: 9 })
    expect(input.contamination).toBeUndefined()
  })
})
