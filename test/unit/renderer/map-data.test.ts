import { describe, expect, it } from 'vitest'
import { encodeFrame, type TypedArray } from '../../../src-main/contract/binary-frame'
import { decodePoints } from '../../../src-renderer/map/decode'
import { fitBounds } from '../../../src-renderer/map/fit'
import { labelClusters } from '../../../src-renderer/map/labels'

const frame = (n: number, arrays: Record<string, TypedArray>, runId = 3) => encodeFrame('points', { runId, n, clusters: [] }, arrays)

describe('map data', () => {
  it('reads the analysis.points frame as typed-array views over the one buffer', () => {
    const coords = new Float32Array([0.5, -1, 2, 3.25, -4, 5])
    const bytes = frame(3, { coords, cluster: new Int32Array([0, 1, -1]), anomaly: new Float32Array([0, 0.5, 1]), flags: new Uint8Array([0, 0, 1]) })
    const p = decodePoints(bytes)
    expect(p.runId).toBe(3)
    expect(Array.from(p.coords)).toEqual(Array.from(coords))
    expect(Array.from(p.cluster)).toEqual([0, 1, -1])
    expect(Array.from(p.anomaly)).toEqual([0, 0.5, 1])
    expect(Array.from(p.flags)).toEqual([0, 0, 1])
    // Views, not copies: no per-point decoding happened.
    expect(p.coords.buffer).toBe(bytes.buffer)
    expect(p.flags.buffer).toBe(bytes.buffer)
  })

  it('refuses arrays whose lengths or types do not match n', () => {
    const ok = { coords: new Float32Array(4), cluster: new Int32Array(2), anomaly: new Float32Array(2), flags: new Uint8Array(2) }
    expect(() => decodePoints(frame(2, { ...ok, coords: new Float32Array(2) }))).toThrow(/inconsistent.*coords has 2 values, expected 4/)
    expect(() => decodePoints(frame(2, { ...ok, cluster: new Float32Array(2) }))).toThrow(/cluster should be i32/)
    const { flags: _, ...noFlags } = ok
    expect(() => decodePoints(frame(2, noFlags))).toThrow(/no flags array/)
    expect(() => decodePoints(encodeFrame('points', { runId: 1, n: -1, clusters: [] }, ok))).toThrow(/unexpected header/)
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
