/**
 * Orthogonal Procrustes in 2-D with scaling: the rotation (or reflection), uniform scale and shift that lay map B over
 * map A with the least squared distance. Two UMAP runs of the same rows differ by such a transform (and by real
 * changes); removing it lets "the same region" mean the same thing in both maps.
 */
export interface Procrustes2D {
  /** B's points mapped onto A (n × 2). */
  aligned: Float32Array
  /** 2 × 2 row-major matrix applied after centring, the scale and the residual RMS distance. */
  rotation: [number, number, number, number]
  scale: number
  rms: number
}

export function procrustes2d(a: ArrayLike<number>, b: ArrayLike<number>): Procrustes2D {
  const n = Math.floor(a.length / 2)
  if (b.length !== a.length) throw new Error(`procrustes2d: ${a.length / 2} points vs ${b.length / 2}`)
  let [ax, ay, bx, by] = [0, 0, 0, 0]
  for (let i = 0; i < n; i++) {
    ax += a[2 * i]
    ay += a[2 * i + 1]
    bx += b[2 * i]
    by += b[2 * i + 1]
  }
  ;[ax, ay, bx, by] = [ax / n, ay / n, bx / n, by / n]
  // Cross-covariance of centred B (rows) against centred A.
  let [sxx, sxy, syx, syy, bb] = [0, 0, 0, 0, 0]
  for (let i = 0; i < n; i++) {
    const [u, v] = [b[2 * i] - bx, b[2 * i + 1] - by]
    const [x, y] = [a[2 * i] - ax, a[2 * i + 1] - ay]
    sxx += u * x
    sxy += u * y
    syx += v * x
    syy += v * y
    bb += u * u + v * v
  }
  // Best rotation: angle maximising trace(Rᵀ S); best reflection likewise with B's y flipped. Keep the better one.
  const rot = Math.atan2(sxy - syx, sxx + syy)
  const rotScore = Math.hypot(sxx + syy, sxy - syx)
  const ref = Math.atan2(sxy + syx, sxx - syy)
  const refScore = Math.hypot(sxx - syy, sxy + syx)
  const reflect = refScore > rotScore
  const t = reflect ? ref : rot
  const [c, s] = [Math.cos(t), Math.sin(t)]
  // x' = R · (u, v'), with v' = −v for a reflection.
  const R: [number, number, number, number] = reflect ? [c, s, s, -c] : [c, -s, s, c]
  const scale = bb > 0 ? (reflect ? refScore : rotScore) / bb : 1
  const aligned = new Float32Array(2 * n)
  let sq = 0
  for (let i = 0; i < n; i++) {
    const [u, v] = [b[2 * i] - bx, b[2 * i + 1] - by]
    const x = ax + scale * (R[0] * u + R[1] * v)
    const y = ay + scale * (R[2] * u + R[3] * v)
    aligned[2 * i] = x
    aligned[2 * i + 1] = y
    sq += (x - a[2 * i]) ** 2 + (y - a[2 * i + 1]) ** 2
  }
  return { aligned, rotation: R, scale, rms: Math.sqrt(sq / Math.max(1, n)) }
}
