/**
 * Vectors for the analysis benchmarks.
 *
 *  - 'real': 20,000 real English texts (AG News test + STS-B sentences) embedded with
 *    all-MiniLM-L6-v2 (384-d, normalized) by `scripts/analyze/reference.py embed bench-en`, cached in
 *    ~/.cache/embedmap-bench/ ($EMBEDMAP_BENCH_CACHE). Made on first use (~3 min on 2 cores) when the
 *    Python venv is there.
 *  - bigger n: the real rows tiled with Gaussian noise and re-normalized (see `tileWithNoise`).
 *  - 'synthetic' (fallback when there is no venv): random normalized vectors around 50 random centres
 *    with a spread that gives MiniLM-like nearest-neighbour distances.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type Matrix, normalizeRows, seededRandom } from '../src-main/analyze/common'

export const CACHE = process.env.EMBEDMAP_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'embedmap-bench')
export const VENV_PY = path.join(process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv'), 'bin', 'python')
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')

/** Reads a little-endian float32/float16 .npy (C order, 2-D). */
export function readNpy(file: string): Matrix {
  const buf = fs.readFileSync(file)
  if (buf.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${file}: not a .npy file`)
  const major = buf[6]
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8)
  const hstart = major === 1 ? 10 : 12
  const header = buf.toString('latin1', hstart, hstart + hlen)
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1]
  const shape = /'shape':\s*\((\d+),\s*(\d+)\)/.exec(header)
  if (!shape || /'fortran_order':\s*True/.test(header)) throw new Error(`${file}: need a 2-D C-order array`)
  const n = Number(shape[1])
  const d = Number(shape[2])
  const off = hstart + hlen
  const data = new Float32Array(n * d)
  if (descr === '<f4') {
    data.set(new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + n * d * 4)))
  } else if (descr === '<f2') {
    for (let i = 0; i < n * d; i++) data[i] = halfToFloat(buf.readUInt16LE(off + 2 * i))
  } else throw new Error(`${file}: unsupported dtype ${descr}`)
  return { data, n, d }
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1
  const e = (h >> 10) & 0x1f
  const f = h & 0x3ff
  if (e === 0) return s * 2 ** -14 * (f / 1024)
  if (e === 31) return f ? NaN : s * Infinity
  return s * 2 ** (e - 15) * (1 + f / 1024)
}

/** The 20k real MiniLM vectors, made on first use; null when they cannot be made. */
export function realVectors(log = console.error): Matrix | null {
  const file = path.join(CACHE, 'bench-en.vectors.npy')
  if (!fs.existsSync(file)) {
    if (!fs.existsSync(VENV_PY)) return null
    log(`[bench] embedding 20,000 texts into ${file} (one time, ~3 min)…`)
    fs.mkdirSync(CACHE, { recursive: true })
    execFileSync(VENV_PY, [path.join(REPO, 'scripts/analyze/reference.py'), 'embed', 'bench-en', '--n', '20000', '--out', CACHE], { stdio: 'inherit' })
  }
  return readNpy(file)
}

/** Random normalized vectors around `centres` random centres (spread tuned to MiniLM-like kNN distances). */
export function syntheticVectors(n: number, d: number, centres = 50, seed = 7): Matrix {
  const rand = seededRandom(seed)
  const gauss = gaussian(rand)
  const C = new Float32Array(centres * d)
  for (let i = 0; i < C.length; i++) C[i] = gauss()
  normalizeRows({ data: C, n: centres, d })
  const data = new Float32Array(n * d)
  const sigma = 1.1 / Math.sqrt(d)
  for (let i = 0; i < n; i++) {
    const c = Math.floor(rand() * centres)
    for (let j = 0; j < d; j++) data[i * d + j] = C[c * d + j] + sigma * gauss()
  }
  return normalizeRows({ data, n, d })
}

export function gaussian(rand: () => number): () => number {
  return () => {
    let u = 0
    while (u === 0) u = rand()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
  }
}

/**
 * n rows made from the base rows: row i = normalize(base[i mod m] + noise), noise ~ N(0, σ²/d) per
 * coordinate (so ‖noise‖ ≈ σ); the first m rows are the base rows unchanged.
 */
export function tileWithNoise(base: Matrix, n: number, sigma = 0.8, seed = 11): Matrix {
  const { d } = base
  const rand = seededRandom(seed)
  const gauss = gaussian(rand)
  const data = new Float32Array(n * d)
  const s = sigma / Math.sqrt(d)
  for (let i = 0; i < n; i++) {
    const src = (i % base.n) * d
    const noisy = i >= base.n
    for (let j = 0; j < d; j++) data[i * d + j] = base.data[src + j] + (noisy ? s * gauss() : 0)
  }
  return normalizeRows({ data, n, d })
}

/** n real-ish rows: the real vectors (tiled with noise past 20k), or synthetic ones. */
export function benchVectors(n: number, log = console.error): { X: Matrix; source: string } {
  const real = realVectors(log)
  if (!real) return { X: syntheticVectors(n, 384), source: `synthetic: ${n} random normalized 384-d vectors around 50 centres` }
  if (n <= real.n) return { X: { data: real.data.slice(0, n * real.d), n, d: real.d }, source: `real: first ${n} of 20,000 MiniLM vectors (AG News + STS-B)` }
  return {
    X: tileWithNoise(real, n),
    source: `real+tiled: 20,000 MiniLM vectors (AG News + STS-B), tiled to ${n} rows with Gaussian noise ‖ε‖≈0.8 then re-normalized`,
  }
}
