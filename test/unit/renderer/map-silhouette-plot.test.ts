import { describe, expect, it } from 'vitest'
import { silhouetteGeometry } from '../../../src-renderer/map/silhouette-plot'

describe('silhouette plot geometry', () => {
  it('puts k left to right and the best silhouette at the top', () => {
    const g = silhouetteGeometry(
      [
        { k: 4, silhouette: 0.2 },
        { k: 2, silhouette: 0.1 },
        { k: 3, silhouette: 0.3 },
      ],
      100,
      50,
      5,
    )
    expect(g.points.map((p) => p.k)).toEqual([2, 3, 4])
    expect(g.points.map((p) => p.x)).toEqual([5, 50, 95])
    expect(g.points[1].y).toBe(5)
    expect(g.points[0].y).toBe(45)
    expect(g.path).toBe('M5.0,45.0 L50.0,5.0 L95.0,25.0')
  })

  it('copes with an empty or single-point curve', () => {
    expect(silhouetteGeometry([], 100, 50).path).toBe('')
    const one = silhouetteGeometry([{ k: 5, silhouette: 0.4 }], 100, 50)
    expect(one.points[0].x).toBe(50)
    expect(Number.isFinite(one.points[0].y)).toBe(true)
  })
})
