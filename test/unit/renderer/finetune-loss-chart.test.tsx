import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import type { FinetuneRun } from '../../../src-main/contract'
import { LossChart, smoothed } from '../../../src-renderer/features/finetune/LossChart'

/** A run record as the adapter writes it now: a loss per optimiser step, evaluations after each epoch. */
function run(stepsPerEpoch: number, epochs: number, withEvalSteps = true): FinetuneRun {
  const steps = Array.from({ length: stepsPerEpoch * epochs }, (_, i) => ({
    step: i + 1,
    epoch: (i + 1) / stepsPerEpoch,
    loss: 2 / (1 + i / 10) + (i % 3) * 0.05,
  }))
  const evaluations = Array.from({ length: epochs + 1 }, (_, e) => ({
    epoch: e,
    ...(withEvalSteps ? { step: e * stepsPerEpoch } : {}),
    ndcg10: 0.7 + e * 0.02,
    recall10: 0.8,
    mrr10: 0.6,
  }))
  return { steps, evaluations } as unknown as FinetuneRun
}

const cx = (html: string, cls: string) =>
  [...html.matchAll(new RegExp(`<circle cx="([\\d.]+)" cy="[\\d.]+" r="[\\d.]+" class="${cls}"`, 'g'))].map((m) => Number(m[1]))

describe('the Fine-tune view’s loss curve', () => {
  it('plots one point per step on a step axis, with the evaluations at the step after which they ran', () => {
    const html = renderToStaticMarkup(<LossChart run={run(7, 3)} />)
    expect(html).toContain('data-points="21"')
    expect(html).toContain('data-max-step="21"')
    expect(html).toMatch(/step \(0 = base model\) · 21 · 3 epochs/)
    const dots = cx(html, 'ft-chart__loss-dot')
    expect(dots.length).toBe(21)
    for (let i = 1; i < dots.length; i++) expect(dots[i]).toBeGreaterThan(dots[i - 1])
    // Evaluation after epoch 1 sits on step 7's x, after epoch 3 on the last step's.
    const evals = cx(html, 'ft-chart__eval')
    expect(evals).toEqual([44, dots[6], dots[13], dots[20]])
  })

  it('places evaluations of older records (no step) at their epoch’s last step', () => {
    const a = cx(renderToStaticMarkup(<LossChart run={run(5, 2, false)} />), 'ft-chart__eval')
    const b = cx(renderToStaticMarkup(<LossChart run={run(5, 2, true)} />), 'ft-chart__eval')
    expect(a).toEqual(b)
  })

  it('draws a smoothed line over the raw one, without per-step dots, when there are many steps', () => {
    const html = renderToStaticMarkup(<LossChart run={run(100, 2)} />)
    expect(html).toContain('data-points="200"')
    expect(cx(html, 'ft-chart__loss-dot')).toEqual([])
    expect(html).toContain('ft-chart__loss--raw')
    expect(html).toContain('data-testid="finetune-loss-smoothed"')
  })

  it('smooths with a debiased moving average (the first value is kept, a constant stays constant)', () => {
    expect(smoothed([3, 3, 3, 3])).toEqual([3, 3, 3, 3].map(() => expect.closeTo(3, 12)))
    const s = smoothed([4, 0, 0, 0], 0.5)
    expect(s[0]).toBeCloseTo(4, 12)
    expect(s[1]).toBeCloseTo((0.5 * 0.5 * 4) / (1 - 0.25), 12)
    expect(s[3]).toBeLessThan(s[1])
  })
})
