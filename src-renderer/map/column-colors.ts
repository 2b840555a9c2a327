import { CATEGORY_MISSING } from '../../src-main/contract'
import { PALETTE, viridis, type Rgb } from './colors'

/**
 * Colours for "colour by metadata column". Categorical: the TOP_CATEGORIES most frequent values get the cluster
 * palette (Okabe–Ito first, so the first six are colour-blind safe), every rarer value one "other" grey.
 * Numeric: viridis (perceptually uniform, colour-blind safe) over a quantile or linear domain. Pure.
 */
export const TOP_CATEGORIES = 10
export const OTHER_COLOR: Rgb = [150, 150, 150]
export const MISSING_COLOR: Rgb = [205, 205, 205]

export { viridis }

export function categoryColor(code: number, categoryCount: number, top = TOP_CATEGORIES): Rgb {
  if (code === CATEGORY_MISSING) return MISSING_COLOR
  if (code < Math.min(top, categoryCount)) return PALETTE[code % PALETTE.length]
  return OTHER_COLOR
}

/** RGBA per row for dictionary codes (codes are ordered most frequent first, so "top N" is code < N). */
export function categoricalColors(codes: Uint16Array, categoryCount: number, top = TOP_CATEGORIES, alpha = 210): Uint8Array {
  const lut = new Uint8Array(65536 * 4)
  for (let code = 0; code < 65536; code++) {
    lut.set(categoryColor(code, categoryCount, top), code * 4)
    lut[code * 4 + 3] = code === CATEGORY_MISSING ? 90 : alpha
  }
  const out = new Uint8Array(codes.length * 4)
  const out32 = new Uint32Array(out.buffer)
  const lut32 = new Uint32Array(lut.buffer)
  for (let i = 0; i < codes.length; i++) out32[i] = lut32[codes[i]]
  return out
}

export type NumericDomain = 'quantile' | 'linear'

export interface NumericScale {
  domain: NumericDomain
  /** Ascending values at t = 0, 1/(k-1), …, 1: two for linear (min, max), the quantiles for quantile. */
  breaks: Float64Array
}

/** Quantiles from at most this many values: exact enough for colours, and O(n) at 1M rows. */
const QUANTILE_SAMPLE = 65_536
const QUANTILE_STEPS = 64

export function numericScale(values: Float32Array, domain: NumericDomain): NumericScale | null {
  let min = Infinity
  let max = -Infinity
  let finite = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v !== v) continue // NaN
    finite++
    if (v < min) min = v
    if (v > max) max = v
  }
  if (finite === 0) return null
  if (domain === 'linear' || min === max) return { domain, breaks: Float64Array.of(min, max) }
  const stride = Math.max(1, Math.floor(values.length / QUANTILE_SAMPLE))
  const sample: number[] = []
  for (let i = 0; i < values.length; i += stride) if (values[i] === values[i]) sample.push(values[i])
  sample.sort((a, b) => a - b)
  const breaks = new Float64Array(QUANTILE_STEPS + 1)
  for (let q = 0; q <= QUANTILE_STEPS; q++) breaks[q] = sample[Math.min(sample.length - 1, Math.round((q / QUANTILE_STEPS) * (sample.length - 1)))]
  breaks[0] = min
  breaks[QUANTILE_STEPS] = max
  return { domain, breaks }
}

/** Position of v on the scale, 0–1 (NaN for missing): piecewise linear between the breaks. */
export function scaleT(scale: NumericScale, v: number): number {
  if (v !== v) return NaN
  const b = scale.breaks
  const k = b.length - 1
  if (v <= b[0]) return 0
  if (v >= b[k]) return 1
  let lo = 0
  let hi = k
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (b[mid] <= v) lo = mid
    else hi = mid
  }
  // Repeated quantiles (many equal values): the middle of the run, so equal values share a colour.
  let first = lo
  while (first > 0 && b[first - 1] === b[lo]) first--
  if (b[hi] === b[lo]) return (first + lo) / 2 / k
  return (lo + (v - b[lo]) / (b[hi] - b[lo])) / k
}

/** RGBA per row on the numeric scale; missing values are a faint grey. */
export function numericColors(values: Float32Array, scale: NumericScale | null, alpha = 210): Uint8Array {
  const out = new Uint8Array(values.length * 4)
  for (let i = 0; i < values.length; i++) {
    const t = scale ? scaleT(scale, values[i]) : NaN
    const c = t === t ? viridis(t) : MISSING_COLOR
    out[i * 4] = c[0]
    out[i * 4 + 1] = c[1]
    out[i * 4 + 2] = c[2]
    out[i * 4 + 3] = t === t ? alpha : 90
  }
  return out
}
