/**
 * L-BFGS (memory 10, backtracking Armijo line search) for smooth, strongly convex objectives such as
 * L2-regularised logistic regression. Stops, like scipy's L-BFGS-B as sklearn calls it, when the
 * largest gradient component is ≤ `gtol` or after `maxIter` iterations.
 */

export type Objective = (x: Float64Array, grad: Float64Array) => number

export interface LbfgsResult {
  x: Float64Array
  value: number
  iterations: number
  converged: boolean
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

function maxAbs(a: Float64Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]))
  return m
}

export function lbfgs(f: Objective, x0: Float64Array, opts: { maxIter?: number; gtol?: number; memory?: number } = {}): LbfgsResult {
  const maxIter = opts.maxIter ?? 100
  const gtol = opts.gtol ?? 1e-4
  const m = opts.memory ?? 10
  const n = x0.length
  let x = Float64Array.from(x0)
  let g = new Float64Array(n)
  let fx = f(x, g)
  const S: Float64Array[] = []
  const Y: Float64Array[] = []
  const rho: number[] = []
  const dir = new Float64Array(n)
  for (let iter = 0; iter < maxIter; iter++) {
    if (maxAbs(g) <= gtol) return { x, value: fx, iterations: iter, converged: true }
    // two-loop recursion: dir = −H·g
    dir.set(g)
    const alpha: number[] = []
    for (let i = S.length - 1; i >= 0; i--) {
      const a = rho[i] * dot(S[i], dir)
      alpha[i] = a
      for (let t = 0; t < n; t++) dir[t] -= a * Y[i][t]
    }
    const gamma = S.length ? dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]) : 1 / Math.max(1, Math.sqrt(dot(g, g)))
    for (let t = 0; t < n; t++) dir[t] *= gamma
    for (let i = 0; i < S.length; i++) {
      const b = rho[i] * dot(Y[i], dir)
      for (let t = 0; t < n; t++) dir[t] += S[i][t] * (alpha[i] - b)
    }
    for (let t = 0; t < n; t++) dir[t] = -dir[t]
    let slope = dot(g, dir)
    if (slope >= 0) {
      // not a descent direction (numerical trouble): restart from steepest descent
      S.length = Y.length = rho.length = 0
      for (let t = 0; t < n; t++) dir[t] = -g[t]
      slope = -dot(g, g)
    }
    let step = 1
    const xNew = new Float64Array(n)
    const gNew = new Float64Array(n)
    let fNew = Infinity
    for (let tries = 0; tries < 40; tries++) {
      for (let t = 0; t < n; t++) xNew[t] = x[t] + step * dir[t]
      fNew = f(xNew, gNew)
      if (fNew <= fx + 1e-4 * step * slope) break
      step *= 0.5
    }
    if (!(fNew < fx || fNew <= fx + 1e-4 * step * slope)) return { x, value: fx, iterations: iter, converged: false }
    const s = new Float64Array(n)
    const y = new Float64Array(n)
    for (let t = 0; t < n; t++) {
      s[t] = xNew[t] - x[t]
      y[t] = gNew[t] - g[t]
    }
    const sy = dot(s, y)
    if (sy > 1e-12) {
      S.push(s)
      Y.push(y)
      rho.push(1 / sy)
      if (S.length > m) {
        S.shift()
        Y.shift()
        rho.shift()
      }
    }
    x = xNew
    g = gNew
    fx = fNew
  }
  return { x, value: fx, iterations: maxIter, converged: maxAbs(g) <= gtol }
}
