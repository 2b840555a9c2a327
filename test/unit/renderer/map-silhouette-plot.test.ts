import { describe, expect, it } from 'vitest'
import { closeAlternatives, silhouetteGeometry } from '../../../src-renderer/map/silhouette-plot'

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

  it('offers the k within 90 % of the best silhouette (the best three, in k order), never the chosen one', () => {
    // The AG News curve of the granularity test (all-MiniLM-L6-v2, 1,000 rows): 3 is the peak, 4 is at 0.91 of it.
    const curve = [
      { k: 2, silhouette: 0.061 },
      { k: 3, silhouette: 0.077 },
      { k: 4, silhouette: 0.07 },
      { k: 5, silhouette: 0.066 },
      { k: 6, silhouette: 0.0693 },
    ]
    const alt = closeAlternatives(curve, 3)
    expect(alt.map((a) => a.k)).toEqual([4, 6])
    expect(alt[0].ofBest).toBeCloseTo(0.909, 3)
    expect(closeAlternatives(curve, 3, 0.95)).toEqual([])
    // A k given by the user (not the peak): the peak itself is offered.
    expect(closeAlternatives(curve, 5).map((a) => a.k)).toEqual([3, 4, 6])
    expect(closeAlternatives(curve, 5, 0.9, 2).map((a) => a.k)).toEqual([3, 4])
    // Nothing to offer on a curve without a positive silhouette.
    expect(
      closeAlternatives(
        [
          { k: 2, silhouette: -0.1 },
          { k: 3, silhouette: -0.2 },
        ],
        2,
      ),
    ).toEqual([])
  })
})
