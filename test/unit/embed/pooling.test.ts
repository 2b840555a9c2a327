import { describe, expect, it } from 'vitest'
import { checkDims, float16ToFloat32, l2NormalizeRows, layerNormRows, pool, truncateDims } from '../../../src-main/embed/pooling'

// batch 2, seq 3, dim 2; row 0 has 2 real tokens, row 1 has 3
const hidden = new Float32Array([
  1,
  2,
  3,
  4,
  100,
  100, // row 0: (1,2) (3,4) pad
  5,
  6,
  7,
  8,
  9,
  10, // row 1
])
const mask = new BigInt64Array([1n, 1n, 0n, 1n, 1n, 1n])

describe('pool', () => {
  it('mean ignores padded positions', () => {
    expect(Array.from(pool(hidden, 2, 3, 2, mask, 'mean'))).toEqual([2, 3, 7, 8])
  })
  it('cls takes position 0', () => {
    expect(Array.from(pool(hidden, 2, 3, 2, mask, 'cls'))).toEqual([1, 2, 5, 6])
  })
  it('last_token takes the last real token (right padding) and the last position (left padding)', () => {
    expect(Array.from(pool(hidden, 2, 3, 2, mask, 'last_token'))).toEqual([3, 4, 9, 10])
    const left = new Int32Array([0, 1, 1, 1, 1, 1])
    expect(Array.from(pool(hidden, 2, 3, 2, left, 'last_token'))).toEqual([100, 100, 9, 10])
  })
  it('max over real tokens', () => {
    expect(Array.from(pool(hidden, 2, 3, 2, mask, 'max'))).toEqual([3, 4, 9, 10])
  })
  it('a fully masked row does not divide by zero', () => {
    const v = pool(new Float32Array([1, 1]), 1, 1, 2, [0], 'mean')
    expect(Array.from(v)).toEqual([0, 0])
  })
})

describe('normalization and Matryoshka', () => {
  it('L2-normalizes rows to unit length and leaves zero rows alone', () => {
    const v = l2NormalizeRows(new Float32Array([3, 4, 0, 0]), 2)
    expect(v[0]).toBeCloseTo(0.6, 6)
    expect(v[1]).toBeCloseTo(0.8, 6)
    expect(Array.from(v.slice(2))).toEqual([0, 0])
  })

  it('cuts to the first dims and re-normalizes', () => {
    const v = new Float32Array([1, 2, 2, 99, 0, 0, 3, 4])
    const cut = truncateDims(v, 4, 2)
    expect(cut.length).toBe(4)
    expect(cut[0]).toBeCloseTo(1 / Math.sqrt(5), 6)
    expect(cut[1]).toBeCloseTo(2 / Math.sqrt(5), 6)
    expect(Array.from(cut.slice(2))).toEqual([0, 0])
  })

  it('nomic recipe: layer_norm over the full vector before cutting', () => {
    const v = new Float32Array([1, 2, 3, 4])
    const ln = layerNormRows(Float32Array.from(v), 4)
    const mean = ln.reduce((s, x) => s + x, 0) / 4
    expect(mean).toBeCloseTo(0, 6)
    const cut = truncateDims(Float32Array.from(v), 4, 2, { layerNorm: true })
    const n = Math.hypot(ln[0], ln[1])
    expect(cut[0]).toBeCloseTo(ln[0] / n, 6)
    expect(cut[1]).toBeCloseTo(ln[1] / n, 6)
  })

  it('checks requested dims against the trained list', () => {
    const spec = { fullDims: 768, matryoshkaDims: [768, 512, 256, 128, 64], model: 'nomic-embed-text-v1.5' }
    expect(checkDims(undefined, spec)).toBe(768)
    expect(checkDims(256, spec)).toBe(256)
    expect(() => checkDims(300, spec)).toThrow(/trained for dims 768, 512, 256, 128, 64; 300 is not one of them/)
    expect(checkDims(300, { ...spec, force: true })).toBe(300)
    expect(() => checkDims(1024, spec)).toThrow(/cannot give 1024/)
    expect(() => checkDims(0, spec)).toThrow(/positive integer/)
    expect(() => checkDims(128, { fullDims: 384, model: 'all-MiniLM-L6-v2' })).toThrow(/not trained with Matryoshka/)
  })
})

describe('float16 outputs', () => {
  it('converts IEEE half precision', () => {
    const h = new Uint16Array([0x3c00, 0xc000, 0x0000, 0x3555, 0x7c00, 0x0001])
    const f = float16ToFloat32(h)
    expect(f[0]).toBe(1)
    expect(f[1]).toBe(-2)
    expect(f[2]).toBe(0)
    expect(f[3]).toBeCloseTo(0.33325, 4)
    expect(f[4]).toBe(Infinity)
    expect(f[5]).toBeCloseTo(5.96e-8, 9)
  })
})
