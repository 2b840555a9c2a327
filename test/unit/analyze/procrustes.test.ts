import { it, expect } from 'vitest'
import { procrustes2d } from '../../../src-main/analyze/procrustes'
it('recovers', () => {
  for (const reflect of [false, true]) {
    const n = 50
    const a = new Float32Array(2 * n)
    const b = new Float32Array(2 * n)
    const t = 1.1,
      s = 2.5
    for (let i = 0; i < n; i++) {
      a[2 * i] = Math.sin(i * 3.1)
      a[2 * i + 1] = Math.cos(i * 1.7) + i * 0.01
      const x = a[2 * i],
        y = reflect ? -a[2 * i + 1] : a[2 * i + 1]
      b[2 * i] = s * (Math.cos(t) * x - Math.sin(t) * y) + 5
      b[2 * i + 1] = s * (Math.sin(t) * x + Math.cos(t) * y) - 3
    }
    const r = procrustes2d(a, b)
    expect(r.rms).toBeLessThan(1e-4)
  }
})
