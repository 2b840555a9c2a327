import { describe, expect, it } from 'vitest'
import { buildPointIndex, pickPoint } from '../../../src-renderer/map/point-index'

/** The same rule by brute force: the test's own reference. */
function bruteForce(coords: Float32Array, x: number, y: number, radius: number, slack: number, skip?: (row: number) => boolean): number {
  let top = -1
  let nearest = -1
  let best = Infinity
  for (let row = 0; row < coords.length / 2; row++) {
    if (skip?.(row)) continue
    const d = Math.hypot(coords[2 * row] - x, coords[2 * row + 1] - y)
    if (d <= radius && row > top) top = row
    if (d <= radius + slack && (d < best || (d === best && row > nearest))) {
      best = d
      nearest = row
    }
  }
  return top >= 0 ? top : nearest
}

function seeded(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
}

describe('CPU point picking (uniform grid)', () => {
  it('agrees with brute force on clustered points at many radii, including the grid edges', () => {
    const rnd = seeded(7)
    const n = 5000
    const coords = new Float32Array(2 * n)
    for (let i = 0; i < n; i++) {
      const blob = i % 3
      coords[2 * i] = blob * 10 + (rnd() - 0.5) * (blob + 1)
      coords[2 * i + 1] = blob * -4 + (rnd() - 0.5) * 2
    }
    const index = buildPointIndex(coords)
    for (let q = 0; q < 2000; q++) {
      const x = -3 + rnd() * 30
      const y = -11 + rnd() * 14
      const radius = [0.01, 0.05, 0.3, 2][q % 4]
      expect(pickPoint(index, coords, x, y, radius, radius / 2)).toBe(bruteForce(coords, x, y, radius, radius / 2))
    }
  })

  it('returns the point drawn on top when discs overlap, and -1 far from every point', () => {
    const coords = new Float32Array([0, 0, 0.5, 0, 5, 5])
    const index = buildPointIndex(coords)
    expect(pickPoint(index, coords, 0.25, 0, 1, 0)).toBe(1)
    expect(pickPoint(index, coords, -0.5, 0, 0.6, 0)).toBe(0)
    expect(pickPoint(index, coords, 2.5, 2.5, 0.5, 0.5)).toBe(-1)
    // Outside every disc but within the slack: the nearest.
    expect(pickPoint(index, coords, 5.8, 5, 0.5, 0.5)).toBe(2)
  })

  it('skips rows the caller leaves out (hidden clusters)', () => {
    const coords = new Float32Array([0, 0, 0.1, 0])
    const index = buildPointIndex(coords)
    expect(pickPoint(index, coords, 0.05, 0, 1, 0)).toBe(1)
    expect(pickPoint(index, coords, 0.05, 0, 1, 0, (r) => r === 1)).toBe(0)
  })

  it('handles no points and points all at one spot', () => {
    expect(pickPoint(buildPointIndex(new Float32Array(0)), new Float32Array(0), 0, 0, 1, 1)).toBe(-1)
    const same = new Float32Array([2, 2, 2, 2, 2, 2])
    expect(pickPoint(buildPointIndex(same), same, 2, 2, 0.1, 0)).toBe(2)
  })

  it('indexes a million points quickly and picks in well under a millisecond', () => {
    const rnd = seeded(3)
    const n = 1_000_000
    const coords = new Float32Array(2 * n)
    for (let i = 0; i < 2 * n; i++) coords[i] = (rnd() - 0.5) * 40
    let t = performance.now()
    const index = buildPointIndex(coords)
    const buildMs = performance.now() - t
    t = performance.now()
    for (let q = 0; q < 1000; q++) pickPoint(index, coords, (rnd() - 0.5) * 40, (rnd() - 0.5) * 40, 0.05, 0.02)
    const pickMs = (performance.now() - t) / 1000
    expect(buildMs).toBeLessThan(1000)
    expect(pickMs).toBeLessThan(1)
  })
})
