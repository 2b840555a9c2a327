import { describe, expect, it } from 'vitest'
import { encodeFrame } from '../../../src-main/contract/binary-frame'
import { decodePoints, decodeTranslations } from '../../../src-renderer/map/decode'
import { ALIGNED_LINK, MISALIGNED_LINK, linkAttributes } from '../../../src-renderer/map/translation-layers'

const header = (pairs: number) => ({
  runId: 4,
  column: 1,
  columnName: 'cmn',
  textColumnName: 'eng',
  modelId: 'e5-small',
  pairs,
  rows: 5,
  sampled: false,
  metrics: { accuracy: 0.5, reverse_accuracy: 0.5 },
  medianLink: 0.1,
  createdAt: '2026-12-08T00:00:00Z',
})

const points = decodePoints(
  encodeFrame(
    'points',
    { runId: 4, n: 5, clusters: [] },
    { coords: Float32Array.from([0, 0, 1, 0, 2, 0, 3, 0, 4, 0]), cluster: new Int32Array(5), anomaly: new Float32Array(5), flags: new Uint8Array(5) },
  ),
)

describe('translation links in the renderer', () => {
  it('reads the frame, finds each row’s pair, and colours a link by whether the translation’s nearest row is its own', () => {
    const bytes = encodeFrame('translations', header(2), {
      rows: Int32Array.of(1, 3),
      coords: Float32Array.of(1.1, 0.2, 0, 0),
      nearest: Int32Array.of(1, 0),
    })
    const t = decodeTranslations(bytes, 5)
    expect([...t.pairOf]).toEqual([-1, 0, -1, 1, -1])
    const links = linkAttributes(points, t)
    // Each link starts at its row's point.
    expect([...links.from]).toEqual([1, 0, 3, 0])
    expect([...links.colors.subarray(0, 4)]).toEqual(ALIGNED_LINK)
    expect([...links.colors.subarray(4, 8)]).toEqual(MISALIGNED_LINK)
  })

  it('refuses a frame that does not fit the map it is drawn on', () => {
    const bad = encodeFrame('translations', header(1), { rows: Int32Array.of(7), coords: new Float32Array(2), nearest: Int32Array.of(0) })
    expect(() => decodeTranslations(bad, 5)).toThrow(/row 7, but the map has 5 rows/)
    const short = encodeFrame('translations', header(2), { rows: Int32Array.of(0, 1), coords: new Float32Array(2), nearest: Int32Array.of(0, 1) })
    expect(() => decodeTranslations(short, 5)).toThrow(/coords has 2 values, expected 4/)
    expect(() => decodeTranslations(encodeFrame('translations', { ...header(1), pairs: -1 }, {}), 5)).toThrow(/unexpected header/)
  })
})
