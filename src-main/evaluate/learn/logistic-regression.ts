/**
 * L2-regularised logistic regression as sklearn's `LogisticRegression()` fits it (mteb's classifier):
 * lbfgs, C = 1, intercept not penalised, max_iter 100, tol 1e-4; softmax over K weight vectors when
 * there are more than two classes, one sigmoid when there are two. The objective is sklearn's scaled
 * form, mean log-loss + ‖W‖² / (2·C·n), so the gradient tolerance means the same thing.
 *
 * Why the binary case is separate: a two-class softmax with an L2 penalty on both weight vectors is a
 * different optimum (the penalty halves), and sklearn fits the sigmoid.
 */
import { lbfgs } from './lbfgs'

export interface LogisticRegressionOptions {
  C?: number
  maxIter?: number
  tol?: number
}

export interface LogisticModel {
  /** Sorted distinct labels; predictions are values of this list. */
  classes: (number | string)[]
  d: number
  /** Rows of d weights then one intercept: 1 row (binary) or one per class. */
  params: Float64Array
  iterations: number
  converged: boolean
}

function sortedClasses(labels: readonly (number | string)[]): (number | string)[] {
  const set = [...new Set(labels)]
  return set.every((v) => typeof v === 'number') ? (set as number[]).sort((a, b) => a - b) : set.map(String).sort()
}

export function fitLogisticRegression(X: Float32Array, d: number, labels: readonly (number | string)[], opts: LogisticRegressionOptions = {}): LogisticModel {
  const n = labels.length
  const classes = sortedClasses(labels)
  const index = new Map(classes.map((c, i) => [c, i]))
  const y = Int32Array.from(labels, (l) => index.get(typeof classes[0] === 'number' ? l : String(l))!)
  const C = opts.C ?? 1
  const reg = 1 / (C * n)
  const rows = classes.length === 2 ? 1 : classes.length
  const width = d + 1
  const z = new Float64Array(rows)
  const objective = (w: Float64Array, grad: Float64Array): number => {
    grad.fill(0)
    let loss = 0
    for (let i = 0; i < n; i++) {
      const a = i * d
      for (let r = 0; r < rows; r++) {
        let s = w[r * width + d]
        for (let t = 0; t < d; t++) s += w[r * width + t] * X[a + t]
        z[r] = s
      }
      if (rows === 1) {
        // binary: label 1 ↔ classes[1]; log(1 + e^{−s·z}) computed stably
        const sign = y[i] === 1 ? 1 : -1
        const m = -sign * z[0]
        loss += m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m))
        const p = 1 / (1 + Math.exp(-z[0]))
        const err = (p - (y[i] === 1 ? 1 : 0)) / n
        for (let t = 0; t < d; t++) grad[t] += err * X[a + t]
        grad[d] += err
      } else {
        let max = -Infinity
        for (let r = 0; r < rows; r++) max = Math.max(max, z[r])
        let sum = 0
        for (let r = 0; r < rows; r++) sum += Math.exp(z[r] - max)
        const lse = max + Math.log(sum)
        loss += lse - z[y[i]]
        for (let r = 0; r < rows; r++) {
          const err = (Math.exp(z[r] - lse) - (r === y[i] ? 1 : 0)) / n
          if (err === 0) continue
          const o = r * width
          for (let t = 0; t < d; t++) grad[o + t] += err * X[a + t]
          grad[o + d] += err
        }
      }
    }
    let penalty = 0
    for (let r = 0; r < rows; r++) {
      for (let t = 0; t < d; t++) {
        const v = w[r * width + t]
        penalty += v * v
        grad[r * width + t] += reg * v
      }
    }
    return loss / n + 0.5 * reg * penalty
  }
  const res = lbfgs(objective, new Float64Array(rows * width), { maxIter: opts.maxIter ?? 100, gtol: opts.tol ?? 1e-4 })
  return { classes, d, params: res.x, iterations: res.iterations, converged: res.converged }
}

/** The most probable class of each row of X. */
export function predictLogisticRegression(model: LogisticModel, X: Float32Array): (number | string)[] {
  const { d, params, classes } = model
  const rows = classes.length === 2 ? 1 : classes.length
  const n = X.length / d
  const out: (number | string)[] = []
  for (let i = 0; i < n; i++) {
    let best = 0
    let bestZ = -Infinity
    for (let r = 0; r < rows; r++) {
      let s = params[r * (d + 1) + d]
      for (let t = 0; t < d; t++) s += params[r * (d + 1) + t] * X[i * d + t]
      if (rows === 1) {
        best = s > 0 ? 1 : 0
        break
      }
      if (s > bestZ) {
        bestZ = s
        best = r
      }
    }
    out.push(classes[best])
  }
  return out
}
