import { describe, expect, it } from 'vitest'
import { DIMMED, HIDDEN, HIGHLIGHTED, NORMAL } from '../../../src-renderer/map/emphasis'
import { MOVING_POINTS_LAYER_ID, pointsData, pointsLayer } from '../../../src-renderer/map/layers'
import { moveData, movePointBudget, moveRows, rowHash, SOFTWARE_MOVE_POINTS } from '../../../src-renderer/map/move-preview'
import type { DecodedPoints } from '../../../src-renderer/map/decode'
import { DEFAULT_APPEARANCE } from '../../../src-renderer/map/appearance'

/** Blobs of very different sizes, like a UMAP map: [size, centre x, centre y, spread]. */
function blobs(spec: [number, number, number, number][]): { coords: Float32Array; blob: Int32Array } {
  const n = spec.reduce((a, s) => a + s[0], 0)
  const coords = new Float32Array(2 * n)
  const blob = new Int32Array(n)
  let seed = 7
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
  // Rows of the blobs interleaved, as rows of a real dataset are: which blob a row is in has nothing to do with its index.
  const left = spec.map((s) => s[0])
  for (let i = 0; i < n; i++) {
    let b = Math.floor(rnd() * spec.length)
    while (left[b] === 0) b = (b + 1) % spec.length
    left[b]--
    const [, x, y, s] = spec[b]
    coords[2 * i] = x + (rnd() - 0.5) * s
    coords[2 * i + 1] = y + (rnd() - 0.5) * s
    blob[i] = b
  }
  return { coords, blob }
}

describe('the moving map’s share of the points', () => {
  it('is only for software WebGL, 150k points at the default big-map size, fewer for bigger points, never below 20k', () => {
    expect(movePointBudget(false, 1.5)).toBeNull()
    expect(movePointBudget(true, 1.5)).toBe(SOFTWARE_MOVE_POINTS)
    const at3 = movePointBudget(true, 3)!
    const at6 = movePointBudget(true, 6)!
    expect(at3).toBeLessThan(SOFTWARE_MOVE_POINTS)
    expect(at6).toBeLessThan(at3)
    expect(movePointBudget(true, 12)).toBe(20_000)
    // smaller points than the default may draw more
    expect(movePointBudget(true, 0.5)!).toBeGreaterThan(SOFTWARE_MOVE_POINTS)
  })

  it('hashes rows to [0, 1) evenly and the same every time', () => {
    let sum = 0
    let below = 0
    let outside = 0
    for (let i = 0; i < 200_000; i++) {
      const h = rowHash(i)
      if (!(h >= 0 && h < 1)) outside++
      sum += h
      if (h < 0.15) below++
    }
    expect(outside).toBe(0)
    expect(sum / 200_000).toBeCloseTo(0.5, 2)
    expect(below / 200_000).toBeCloseTo(0.15, 2)
    expect(rowHash(12345)).toBe(rowHash(12345))
  })

  it('takes exactly the rows whose hash is below the share (the pan and the first frame draw the same rows)', () => {
    const n = 300_000
    const emphasis = new Uint8Array(n).fill(NORMAL)
    for (let i = 0; i < n; i += 7) emphasis[i] = DIMMED
    for (let i = 3; i < n; i += 50) emphasis[i] = HIGHLIGHTED
    for (let i = 5; i < n; i += 11) emphasis[i] = HIDDEN
    for (const e of [null, emphasis]) {
      const rows = moveRows(n, 40_000, e)!
      let highlighted = 0
      let hidden = 0
      for (let i = 0; i < n; i++) {
        if (e?.[i] === HIGHLIGHTED) highlighted++
        else if (e?.[i] === HIDDEN) hidden++
      }
      // the shares moveRows documents, recomputed here from the hash itself
      const othersShare = Math.min(1, Math.max(40_000 - Math.min(highlighted, 40_000), 10_000) / (n - highlighted - hidden))
      const highlightShare = highlighted ? Math.min(1, 40_000 / highlighted) : 0
      const expected: number[] = []
      for (let i = 0; i < n; i++) {
        if (e?.[i] === HIDDEN) continue
        if (rowHash(i) < (e?.[i] === HIGHLIGHTED ? highlightShare : othersShare)) expected.push(i)
      }
      expect(Array.from(rows)).toEqual(expected)
    }
  })

  it('draws everything (null) when the visible rows fit the budget', () => {
    expect(moveRows(20_000, 150_000, null)).toBeNull()
    // 300k rows, but 200k of them hidden: the 100k visible ones fit
    const e = new Uint8Array(300_000).fill(NORMAL)
    e.fill(HIDDEN, 0, 200_000)
    expect(moveRows(300_000, 150_000, e)).toBeNull()
  })

  it('takes a fixed random share of 1M rows: about the budget, ascending, the same rows every time', () => {
    const a = moveRows(1_000_000, 150_000, null)!
    expect(Math.abs(a.length - 150_000)).toBeLessThan(2_000)
    let unordered = 0
    for (let k = 1; k < a.length; k++) if (a[k] <= a[k - 1]) unordered++
    expect(unordered).toBe(0)
    const again = moveRows(1_000_000, 150_000, null)!
    expect(Buffer.from(again.buffer).equals(Buffer.from(a.buffer))).toBe(true)
  })

  it('keeps every blob’s share, small and sparse ones included, so the moving map looks like the map', () => {
    // 1M points: one huge dense blob, mid-sized ones, and a 1,000-point sparse blob far out
    const spec: [number, number, number, number][] = [
      [700_000, 0, 0, 4],
      [150_000, 10, 3, 2],
      [100_000, -8, 6, 3],
      [49_000, 5, -9, 1],
      [1_000, 30, 30, 12],
    ]
    const { coords, blob } = blobs(spec)
    const rows = moveRows(blob.length, 150_000, null)!
    const counts = new Array(spec.length).fill(0)
    let sx = 0
    let sy = 0
    for (const r of rows) {
      counts[blob[r]]++
      if (blob[r] === 4) {
        sx += coords[2 * r]
        sy += coords[2 * r + 1]
      }
    }
    spec.forEach(([size], b) => {
      const share = counts[b] / size
      // binomial sd at 1,000 points is ~1.1 % of the blob: 4 sd
      expect(share, `blob ${b}`).toBeGreaterThan(0.15 - 0.05)
      expect(share, `blob ${b}`).toBeLessThan(0.15 + 0.05)
    })
    // the sparse blob's drawn points sit where the blob is (it spans 24..36; ~150 drawn: the mean is within ~0.3)
    expect(Math.abs(sx / counts[4] - 30)).toBeLessThan(1.5)
    expect(Math.abs(sy / counts[4] - 30)).toBeLessThan(1.5)
  })

  it('keeps every highlighted row, leaves hidden rows out and gives the dimmed context what is left', () => {
    const n = 1_000_000
    const e = new Uint8Array(n).fill(DIMMED)
    e.fill(HIDDEN, 500_000, 600_000)
    for (let i = 0; i < 500_000; i += 50) e[i] = HIGHLIGHTED // 10k highlighted
    const rows = moveRows(n, 150_000, e)!
    let highlighted = 0
    let hidden = 0
    for (const r of rows) {
      if (e[r] === HIDDEN) hidden++
      if (e[r] === HIGHLIGHTED) highlighted++
    }
    expect(hidden).toBe(0)
    expect(highlighted).toBe(10_000)
    expect(Math.abs(rows.length - 150_000)).toBeLessThan(2_000)
  })

  it('samples a highlighted set bigger than the budget, and still draws some context around it', () => {
    const n = 1_000_000
    const e = new Uint8Array(n).fill(DIMMED)
    e.fill(HIGHLIGHTED, 0, 600_000)
    const rows = moveRows(n, 150_000, e)!
    const highlighted = rows.filter((r) => e[r] === HIGHLIGHTED).length
    const context = rows.length - highlighted
    expect(Math.abs(highlighted - 150_000)).toBeLessThan(2_000)
    // a quarter of the budget for the 400k dimmed rows
    expect(Math.abs(context - 37_500)).toBeLessThan(1_000)
  })

  it('gathers the chosen rows’ positions and emphasised colours, drawn as a second layer at the full map’s radius', () => {
    const points = { n: 4, coords: new Float32Array([0, 1, 2, 3, 4, 5, 6, 7]) } as DecodedPoints
    const colors = new Uint8Array([1, 1, 1, 10, 2, 2, 2, 20, 3, 3, 3, 30, 4, 4, 4, 40])
    const full = pointsData(points, colors)
    const moving = moveData(Uint32Array.of(1, 3), full)
    expect(moving.length).toBe(2)
    expect(Array.from(moving.attributes.getPosition.value)).toEqual([2, 3, 6, 7])
    expect(Array.from(moving.attributes.getFillColor.value)).toEqual([2, 2, 2, 20, 4, 4, 4, 40])
    const layer = pointsLayer(moving, DEFAULT_APPEARANCE, { id: MOVING_POINTS_LAYER_ID, radiusPx: 1.5, visible: false })
    expect(layer.id).toBe(MOVING_POINTS_LAYER_ID)
    expect(layer.props.radiusPixels).toBe(1.5)
    expect(layer.props.visible).toBe(false)
  })
})
