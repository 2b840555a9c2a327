import { describe, expect, it } from 'vitest'
import { decodePoints } from '../../../src-renderer/map/decode'
import { fitBounds } from '../../../src-renderer/map/fit'
import { labelClusters } from '../../../src-renderer/map/labels'

const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')

describe('map data', () => {
  it('decodes the base64 arrays of analysis.points back into typed arrays', () => {
    const coords = new Float32Array([0.5, -1, 2, 3.25, -4, 5])
    const p = decodePoints({
      runId: 3,
      n: 3,
      coords: b64(coords),
      cluster: b64(new Int32Array([0, 1, -1])),
      anomaly: b64(new Float32Array([0, 0.5, 1])),
      flags: b64(new Uint8Array([0, 0, 1])),
      clusters: [],
    })
    expect(Array.from(p.coords)).toEqual(Array.from(coords))
    expect(Array.from(p.cluster)).toEqual([0, 1, -1])
    expect(Array.from(p.anomaly)).toEqual([0, 0.5, 1])
    expect(Array.from(p.flags)).toEqual([0, 0, 1])
  })

  it('refuses arrays whose lengths do not match n', () => {
    const bad = { runId: 1, n: 2, coords: b64(new Float32Array(2)), cluster: b64(new Int32Array(2)), anomaly: b64(new Float32Array(2)), flags: b64(new Uint8Array(2)), clusters: [] }
    expect(() => decodePoints(bad)).toThrow(/inconsistent/)
  })

  it('fits all points into the canvas, centred', () => {
    const v = fitBounds(new Float32Array([0, 0, 10, 20]), 400, 400, 0)
    expect(v.target).toEqual([5, 10, 0])
    // 20 units tall into 400 px: 20 px per unit.
    expect(2 ** v.zoom).toBeCloseTo(20)
    expect(fitBounds(new Float32Array(0), 100, 100)).toEqual({ target: [0, 0, 0], zoom: 0 })
  })

  it('labels the biggest clusters first, at most max, skipping empty ones', () => {
    const c = (idx: number, size: number) => ({ idx, size, label: `c${idx}`, x: 0, y: 0 })
    expect(labelClusters([c(0, 5), c(1, 50), c(2, 0), c(3, 20)], 2).map((x) => x.idx)).toEqual([1, 3])
  })
})
