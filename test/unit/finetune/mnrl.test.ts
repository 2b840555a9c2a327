/**
 * Loss parity with sentence-transformers (MultipleNegativesRankingLoss, MatryoshkaLoss) on the same
 * embedding batches, computed by scripts/finetune/mnrl_reference.py in the test venv; and a
 * finite-difference check of the analytic gradient.
 */
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { type MnrlBatch, type MnrlOptions, mnrlLoss, mnrlLossAndGradient } from '../../../src-main/finetune/mnrl'
import { seededRandom } from '../../../src-main/finetune/rng'
import { repoRoot, tmpDir } from '../../helpers/tmp'

const venvPython = process.env.EMBEDMAP_TEST_PYTHON ?? path.join(os.homedir(), '.cache', 'embedmap-venv', 'bin', 'python')

function randomBatch(seed: number, b: number, d: number, k: number): MnrlBatch {
  const rand = seededRandom(seed)
  // Gaussian-ish, not normalised (the loss must normalise), positives correlated with anchors.
  const g = () => rand() + rand() + rand() - 1.5
  const anchors = Float32Array.from({ length: b * d }, g)
  const positives = anchors.map((a) => a + 2 * g())
  const negatives = Float32Array.from({ length: b * k * d }, (_, i) => anchors[Math.floor(i / (k * d)) * d + (i % d)] + 2.5 * g())
  return { dims: d, anchors, positives, negatives: k ? negatives : undefined }
}

const rows = (x: Float32Array, d: number) => Array.from({ length: x.length / d }, (_, i) => Array.from(x.subarray(i * d, i * d + d)))

const cases: Array<{ name: string; batch: MnrlBatch; opts: MnrlOptions }> = [
  { name: 'in-batch only', batch: randomBatch(1, 8, 32, 0), opts: {} },
  { name: 'with 1 hard negative', batch: randomBatch(2, 8, 32, 1), opts: {} },
  { name: 'with 3 hard negatives, scale 7', batch: randomBatch(3, 6, 32, 3), opts: { scale: 7 } },
  {
    name: 'Matryoshka 32/16/8 weights 1/0.5/0.25, 2 negatives',
    batch: randomBatch(4, 8, 32, 2),
    opts: { matryoshka: { dims: [32, 16, 8], weights: [1, 0.5, 0.25] } },
  },
  { name: 'Matryoshka 24/4 default weights, in-batch only', batch: randomBatch(5, 5, 32, 0), opts: { matryoshka: { dims: [4, 24] } } },
]

describe('MNRL parity with sentence-transformers', () => {
  const dir = tmpDir()
  const file = path.join(dir, 'cases.json')
  fs.writeFileSync(
    file,
    JSON.stringify({
      cases: cases.map(({ batch, opts }) => {
        const { dims: d } = batch
        const b = batch.anchors.length / d
        const k = batch.negatives ? batch.negatives.length / (b * d) : 0
        const neg = batch.negatives ? rows(batch.negatives, d) : []
        return {
          anchors: rows(batch.anchors, d),
          positives: rows(batch.positives, d),
          negatives: k ? Array.from({ length: b }, (_, i) => neg.slice(i * k, i * k + k)) : undefined,
          scale: opts.scale ?? 20,
          matryoshka: opts.matryoshka ? { dims: opts.matryoshka.dims, weights: opts.matryoshka.weights ?? null } : undefined,
        }
      }),
    }),
  )
  const out = execFileSync(venvPython, [path.join(repoRoot, 'scripts', 'finetune', 'mnrl_reference.py'), file], {
    env: { ...process.env, HF_HUB_OFFLINE: '1' },
    encoding: 'utf8',
  })
  const reference = (JSON.parse(out) as { losses: number[] }).losses

  it.each(cases.map((c, i) => [c.name, i] as const))('%s: |ours − theirs| < 1e-5', (_name, i) => {
    const ours = mnrlLoss(cases[i].batch, cases[i].opts)
    expect(reference[i]).toBeGreaterThan(0.01) // a non-trivial loss, so the comparison means something
    expect(Math.abs(ours - reference[i])).toBeLessThan(1e-5)
    console.log(
      `MNRL parity ${cases[i].name}: ours ${ours.toFixed(8)} sentence-transformers ${reference[i].toFixed(8)} Δ ${Math.abs(ours - reference[i]).toExponential(2)}`,
    )
  })
})

describe('MNRL analytic gradient', () => {
  it.each([
    ['hard negatives', 0, {}],
    ['Matryoshka', 3, { matryoshka: { dims: [32, 16, 8], weights: [1, 0.5, 0.25] } }],
  ] as const)('matches central finite differences (%s)', (_name, caseIdx, opts) => {
    const batch = randomBatch(10 + caseIdx, 5, 32, 2)
    const g = mnrlLossAndGradient(batch, opts)
    const rand = seededRandom(99)
    let worst = 0
    for (const [arr, grad] of [
      [batch.anchors, g.anchors],
      [batch.positives, g.positives],
      [batch.negatives as Float32Array, g.negatives],
    ] as const) {
      for (let t = 0; t < 25; t++) {
        const i = Math.floor(rand() * arr.length)
        const x0 = arr[i]
        arr[i] = x0 + 1e-2
        const hi = arr[i]
        const lp = mnrlLoss(batch, opts)
        arr[i] = x0 - 1e-2
        const lo = arr[i]
        const lm = mnrlLoss(batch, opts)
        arr[i] = x0
        const numeric = (lp - lm) / (hi - lo)
        worst = Math.max(worst, Math.abs(numeric - grad[i]) / Math.max(1e-3, Math.abs(numeric)))
      }
    }
    console.log(`MNRL gradient check: worst relative error ${worst.toExponential(2)}`)
    expect(worst).toBeLessThan(2e-3)
  })
})
