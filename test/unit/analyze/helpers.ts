/** Shared test data for the analysis tests: Gaussian blobs on the sphere, fixture loading. */
import fs from 'node:fs'
import path from 'node:path'
import { type Matrix, normalizeRows, seededRandom } from '../../../src-main/analyze/common'

export function gaussian(rand: () => number): () => number {
  return () => {
    let u = 0
    while (u === 0) u = rand()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
  }
}

/** `k` well-separated blobs of `per` points each in d dims (centres random unit vectors), normalized. */
export function blobs(k: number, per: number, d: number, sigma = 0.15, seed = 1): { X: Matrix; labels: Int32Array } {
  const rand = seededRandom(seed)
  const g = gaussian(rand)
  const C = new Float32Array(k * d)
  for (let i = 0; i < C.length; i++) C[i] = g()
  normalizeRows({ data: C, n: k, d })
  const n = k * per
  const data = new Float32Array(n * d)
  const labels = new Int32Array(n)
  const s = sigma / Math.sqrt(d)
  for (let i = 0; i < n; i++) {
    const c = i % k
    labels[i] = c
    for (let j = 0; j < d; j++) data[i * d + j] = C[c * d + j] + s * g()
  }
  return { X: normalizeRows({ data, n, d }), labels }
}

/** Uniformly random unit vectors. */
export function randomUnit(n: number, d: number, seed = 3): Matrix {
  const g = gaussian(seededRandom(seed))
  const data = new Float32Array(n * d)
  for (let i = 0; i < data.length; i++) data[i] = g()
  return normalizeRows({ data, n, d })
}

export const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../fixtures/analyze')

/** Loads <name>.i8.bin (+ <name>.json) written by scripts/analyze/reference.py; null if absent. */
export function loadFixture(name: string, d = 384): { X: Matrix; ref: Record<string, any> } | null {
  const bin = path.join(FIXTURES, `${name}.i8.bin`)
  const json = path.join(FIXTURES, `${name}.json`)
  if (!fs.existsSync(bin) || !fs.existsSync(json)) return null
  const buf = fs.readFileSync(bin)
  const n = buf.length / (4 + d)
  const data = new Float32Array(n * d)
  for (let i = 0; i < n; i++) {
    const scale = buf.readFloatLE(4 * i)
    for (let j = 0; j < d; j++) data[i * d + j] = Math.fround(Math.fround(buf.readInt8(4 * n + i * d + j) / 127) * scale)
  }
  return { X: normalizeRows({ data, n, d }), ref: JSON.parse(fs.readFileSync(json, 'utf8')) }
}

/** Naive O(n²) kNN truth (indices sorted by distance, ties by index, self excluded). */
export function bruteKnn(X: Matrix, k: number): { indices: Int32Array; distances: Float32Array } {
  const { data, n, d } = X
  const indices = new Int32Array(n * k)
  const distances = new Float32Array(n * k)
  const dist = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let t = 0; t < d; t++) s += data[i * d + t] * data[j * d + t]
      dist[j] = 1 - s
    }
    const order = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((a, b) => dist[a] - dist[b] || a - b)
    for (let t = 0; t < k; t++) {
      indices[i * k + t] = order[t]
      distances[i * k + t] = dist[order[t]]
    }
  }
  return { indices, distances }
}

export async function moduleAvailable(name: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ name)
    return true
  } catch {
    return false
  }
}
