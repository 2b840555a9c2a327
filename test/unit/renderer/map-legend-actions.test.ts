import { describe, expect, it } from 'vitest'
import { isolateCategory, isolateCluster, toggleCluster } from '../../../src-renderer/map/legend-actions'
import { labelClusters } from '../../../src-renderer/map/labels'

describe('legend clicks', () => {
  it('hides and shows a cluster', () => {
    expect([...toggleCluster(new Set(), 2)]).toEqual([2])
    expect([...toggleCluster(new Set([2]), 2)]).toEqual([])
  })

  it('isolates a cluster, and a second isolate shows all again', () => {
    const iso = isolateCluster([0, 1, 2], new Set(), 1)
    expect([...iso].sort()).toEqual([0, 2])
    expect([...isolateCluster([0, 1, 2], iso, 1)]).toEqual([])
  })

  it('isolates a category with a filter, and removes it on a second click', () => {
    const base = [{ type: 'numeric' as const, column: 0, min: 1, max: null }]
    const once = isolateCategory(base, 2, 'Sports')
    expect(once).toEqual([...base, { type: 'categorical', column: 2, include: ['Sports'] }])
    expect(isolateCategory(once, 2, 'Sports')).toEqual(base)
    // Another category of the same column replaces the filter.
    expect(isolateCategory(once, 2, 'World')).toEqual([...base, { type: 'categorical', column: 2, include: ['World'] }])
  })

  it('drops hidden clusters from the labels', () => {
    const clusters = [
      { idx: 0, label: 'a', size: 5, x: 0, y: 0 },
      { idx: 1, label: 'b', size: 9, x: 1, y: 1 },
    ]
    expect(labelClusters(clusters as never, undefined, new Set([1])).map((c) => c.idx)).toEqual([0])
  })
})
