import { describe, expect, it } from 'vitest'
import { labelLevel, levelClusters } from '../../../src-renderer/map/label-level'

const fine = [0, 1, 2, 3].map((idx) => ({ idx, size: 10, label: `fine ${idx}`, x: idx, y: 0 }))
const coarse = { parentOf: [0, 0, 1, 1], clusters: [0, 1].map((idx) => ({ idx, size: 20, label: `coarse ${idx}`, x: idx, y: 0 })) }

describe('label level', () => {
  it('coarse labels near the fit, fine ones once zoomed in a step; fine only without a hierarchy', () => {
    expect(labelLevel(3, 3, true)).toBe('coarse')
    expect(labelLevel(3.75, 3, true)).toBe('coarse')
    expect(labelLevel(4, 3, true)).toBe('fine')
    expect(labelLevel(3, 3, false)).toBe('fine')
  })

  it('hiding fine clusters hides their labels, and a coarse label once all of its fine clusters are hidden', () => {
    const points = { clusters: fine, coarse }
    expect(levelClusters(points, 'fine', new Set([1])).map((c) => c.label)).toEqual(['fine 0', 'fine 2', 'fine 3'])
    expect(levelClusters(points, 'coarse', new Set([1])).map((c) => c.label)).toEqual(['coarse 0', 'coarse 1'])
    expect(levelClusters(points, 'coarse', new Set([0, 1])).map((c) => c.label)).toEqual(['coarse 1'])
    expect(levelClusters({ clusters: fine, coarse: null }, 'coarse').length).toBe(4)
  })
})
