import { describe, expect, it } from 'vitest'
import { applyEmphasis, buildEmphasis, DIMMED, HIDDEN, HIGHLIGHTED, isPickable, NORMAL } from '../../../src-renderer/map/emphasis'

describe('map emphasis', () => {
  const cluster = new Int32Array([0, 0, 1, 2])

  it('is null (plain colours) when nothing is focused or hidden', () => {
    expect(buildEmphasis(cluster, null, new Set())).toBeNull()
  })

  it('highlights the focus, dims the rest, and hidden clusters win over both', () => {
    const focus = new Uint8Array([1, 0, 1, 1])
    expect(Array.from(buildEmphasis(cluster, focus, new Set([2]))!)).toEqual([HIGHLIGHTED, DIMMED, HIGHLIGHTED, HIDDEN])
    expect(Array.from(buildEmphasis(cluster, null, new Set([0]))!)).toEqual([HIDDEN, HIDDEN, NORMAL, NORMAL])
  })

  it('sets alpha only: opaque highlights, faint dimmed points, invisible hidden ones; colours stay', () => {
    const colors = new Uint8Array([10, 20, 30, 200, 40, 50, 60, 200, 70, 80, 90, 200, 1, 2, 3, 10])
    const out = applyEmphasis(colors, new Uint8Array([HIGHLIGHTED, DIMMED, HIDDEN, DIMMED]))
    expect(Array.from(out)).toEqual([10, 20, 30, 255, 40, 50, 60, 28, 70, 80, 90, 0, 1, 2, 3, 10])
    expect(colors[3]).toBe(200)
    expect(applyEmphasis(colors, null)).toBe(colors)
  })

  it('makes hidden points unpickable', () => {
    const e = new Uint8Array([HIDDEN, DIMMED])
    expect(isPickable(e, 0)).toBe(false)
    expect(isPickable(e, 1)).toBe(true)
    expect(isPickable(null, 0)).toBe(true)
  })
})
