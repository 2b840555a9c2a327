import { describe, expect, it } from 'vitest'
import { procrustes2d } from '../../../src-main/analyze/procrustes'

/** A 2-D point cloud, then the same cloud rotated (or mirrored), scaled and shifted: Procrustes must undo it exactly. */
function transformed(reflect: boolean, angle: number, scale: number, shift: [number, number]) {
  const n = 50
  const a = new Float32Array(2 * n)
  const b = new Float32Array(2 * n)
  for (let i = 0; i < n; i++) {
    a[2 * i] = Math.sin(i * 3.1)
    a[2 * i + 1] = Math.cos(i * 1.7) + i * 0.01
    const [x, y] = [a[2 * i], reflect ? -a[2 * i + 1] : a[2 * i + 1]]
    b[2 * i] = scale * (Math.cos(angle) * x - Math.sin(angle) * y) + shift[0]
    b[2 * i + 1] = scale * (Math.sin(angle) * x + Math.cos(angle) * y) + shift[1]
  }
  return { a, b }
}

describe('procrustes2d', () => {
  it('undoes a rotation, scale and shift', () => {
    const { a, b } = transformed(false, 1.1, 2.5, [5, -3])
    const r = procrustes2d(a, b)
    expect(r.rms).toBeLessThan(1e-4)
    expect(r.scale).toBeCloseTo(1 / 2.5, 5)
  })

  it('undoes a mirror image too (UMAP may flip a map)', () => {
    const { a, b } = transformed(true, -2.0, 0.3, [0.5, 7])
    expect(procrustes2d(a, b).rms).toBeLessThan(1e-4)
  })

  it('leaves real changes as residual distance', () => {
    const { a, b } = transformed(false, 0.4, 1, [0, 0])
    b[0] += 3 // one row moved
    const r = procrustes2d(a, b)
    const moved = Math.hypot(r.aligned[0] - a[0], r.aligned[1] - a[1])
    const others = Math.hypot(r.aligned[2] - a[2], r.aligned[3] - a[3])
    expect(moved).toBeGreaterThan(2)
    expect(moved).toBeGreaterThan(10 * others)
  })
})
