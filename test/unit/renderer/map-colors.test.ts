import { describe, expect, it } from 'vitest'
import { anomalyColor, anomalyColors, clusterColor, clusterColors, NOISE_COLOR, PALETTE, pointColors } from '../../../src-renderer/map/colors'

describe('map colours', () => {
  it('has a palette of 20 distinct, valid colours', () => {
    expect(PALETTE).toHaveLength(20)
    expect(new Set(PALETTE.map((c) => c.join(','))).size).toBe(PALETTE.length)
    for (const c of PALETTE) for (const v of c) expect(Number.isInteger(v) && v >= 0 && v <= 255).toBe(true)
  })

  it('maps cluster indices deterministically, wrapping past the palette; no cluster is grey', () => {
    expect(clusterColor(0)).toEqual(PALETTE[0])
    expect(clusterColor(3)).toEqual(clusterColor(3))
    expect(clusterColor(PALETTE.length + 2)).toEqual(PALETTE[2])
    expect(clusterColor(-1)).toEqual(NOISE_COLOR)
    const rgba = clusterColors(new Int32Array([1, 0, -1, 1]))
    expect(rgba).toBeInstanceOf(Uint8Array)
    expect(rgba).toHaveLength(16)
    expect(Array.from(rgba.subarray(0, 3))).toEqual([...PALETTE[1]])
    expect(Array.from(rgba.subarray(4, 7))).toEqual([...PALETTE[0]])
    expect(Array.from(rgba.subarray(8, 11))).toEqual([...NOISE_COLOR])
    expect(Array.from(rgba.subarray(12, 16))).toEqual(Array.from(rgba.subarray(0, 4)))
    expect(clusterColors(new Int32Array([1, 0, -1, 1]))).toEqual(rgba)
  })

  it('scales anomaly scores from pale yellow (usual) to dark purple (unusual), clamped', () => {
    expect(anomalyColor(0)).toEqual([253, 231, 37])
    expect(anomalyColor(1)).toEqual([68, 1, 84])
    expect(anomalyColor(-3)).toEqual(anomalyColor(0))
    expect(anomalyColor(7)).toEqual(anomalyColor(1))
    expect(anomalyColor(Number.NaN)).toEqual(anomalyColor(0))
    // Monotonic in lightness: higher scores are darker.
    const lum = (c: readonly number[]) => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    for (let t = 0.1; t <= 1; t += 0.1) expect(lum(anomalyColor(t))).toBeLessThan(lum(anomalyColor(t - 0.1)))
  })

  it('builds RGBA per point for either mode, more opaque for outliers', () => {
    const data = { cluster: new Int32Array([0, 1]), anomaly: new Float32Array([0, 1]) }
    const a = anomalyColors(data.anomaly)
    expect(Array.from(a.subarray(0, 3))).toEqual([253, 231, 37])
    expect(Array.from(a.subarray(4, 7))).toEqual([68, 1, 84])
    expect(a[7]).toBe(255)
    expect(a[3]).toBeLessThan(a[7])
    expect(pointColors('anomaly', data)).toEqual(a)
    expect(pointColors('cluster', data)).toEqual(clusterColors(data.cluster))
  })
})
