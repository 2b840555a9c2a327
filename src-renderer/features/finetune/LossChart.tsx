import type { FinetuneRun } from '../../../src-main/contract'

const W = 420
const H = 180
const PAD = { l: 44, r: 44, t: 14, b: 28 }
/** Above this many points the per-step dots are left out and a smoothed line is drawn over the raw one. */
const DOTS_UP_TO = 60

/** Exponential moving average, debiased at the start (as TensorBoard smooths), so the trend shows through batch noise. */
export function smoothed(values: readonly number[], weight = 0.9): number[] {
  let avg = 0
  return values.map((v, i) => {
    avg = weight * avg + (1 - weight) * v
    return avg / (1 - weight ** (i + 1))
  })
}

/**
 * Training loss per optimiser step (line, left axis) and held-out nDCG@10 per evaluation (dots, right axis), live.
 * Evaluations sit at the step after which they ran (older records without a step: at their epoch's last step).
 */
export function LossChart({ run }: { run: FinetuneRun }) {
  const losses = run.steps.filter((s) => s.loss !== null) as { step: number; epoch: number; loss: number }[]
  const stepOfEpoch = (epoch: number) => (epoch <= 0 ? 0 : Math.max(0, ...run.steps.filter((s) => s.epoch <= epoch + 1e-9).map((s) => s.step)))
  const evals = run.evaluations.map((e) => ({ ...e, at: e.step ?? stepOfEpoch(e.epoch) }))
  const maxStep = Math.max(1, ...losses.map((s) => s.step), ...evals.map((e) => e.at))
  const maxEpoch = Math.max(0, ...run.steps.map((s) => s.epoch))
  const maxLoss = Math.max(1e-6, ...losses.map((s) => s.loss))
  const nd = evals.map((e) => e.ndcg10)
  const [lo, hi] = nd.length ? [Math.min(...nd), Math.max(...nd)] : [0, 1]
  const span = Math.max(0.01, hi - lo)
  const [ndLo, ndHi] = [Math.max(0, lo - span * 0.15), Math.min(1, hi + span * 0.15)]
  const x = (step: number) => PAD.l + ((W - PAD.l - PAD.r) * step) / maxStep
  const yLoss = (v: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / maxLoss)
  const yNd = (v: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - (v - ndLo) / Math.max(1e-9, ndHi - ndLo))
  const line = (ys: readonly number[]) => losses.map((s, i) => `${i ? 'L' : 'M'}${x(s.step).toFixed(1)},${yLoss(ys[i]).toFixed(1)}`).join(' ')
  const raw = losses.map((s) => s.loss)
  const dense = losses.length > DOTS_UP_TO
  const epochs = maxEpoch > 0 ? ` · ${Number.isInteger(maxEpoch) ? maxEpoch : maxEpoch.toFixed(2)} epoch${maxEpoch === 1 ? '' : 's'}` : ''
  return (
    <figure className="ft-chart" data-testid="finetune-loss-chart" data-points={losses.length} data-evals={evals.length} data-max-step={maxStep}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Training loss per step and held-out nDCG@10">
        <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} className="ft-chart__axis" />
        <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} className="ft-chart__axis" />
        <line x1={W - PAD.r} y1={PAD.t} x2={W - PAD.r} y2={H - PAD.b} className="ft-chart__axis" />
        <text x={PAD.l - 6} y={PAD.t + 4} className="ft-chart__tick" textAnchor="end">
          {maxLoss.toFixed(2)}
        </text>
        <text x={PAD.l - 6} y={H - PAD.b} className="ft-chart__tick" textAnchor="end">
          0
        </text>
        <text x={W - PAD.r + 6} y={PAD.t + 4} className="ft-chart__tick">
          {ndHi.toFixed(3)}
        </text>
        <text x={W - PAD.r + 6} y={H - PAD.b} className="ft-chart__tick">
          {ndLo.toFixed(3)}
        </text>
        <text x={(W + PAD.l - PAD.r) / 2} y={H - 6} className="ft-chart__tick" textAnchor="middle">
          step (0 = base model) · {maxStep}
          {epochs}
        </text>
        <path d={line(raw)} className={dense ? 'ft-chart__loss ft-chart__loss--raw' : 'ft-chart__loss'} />
        {dense && <path d={line(smoothed(raw))} className="ft-chart__loss" data-testid="finetune-loss-smoothed" />}
        {!dense &&
          losses.map((s) => (
            <circle key={`l${s.step}`} cx={x(s.step)} cy={yLoss(s.loss)} r={2.5} className="ft-chart__loss-dot">
              <title>{`step ${s.step} (epoch ${s.epoch.toFixed(2)}): loss ${s.loss.toFixed(4)}`}</title>
            </circle>
          ))}
        {evals.map((e) => (
          <circle key={`e${e.epoch}`} cx={x(e.at)} cy={yNd(e.ndcg10)} r={4} className="ft-chart__eval">
            <title>{`epoch ${e.epoch} (step ${e.at}): nDCG@10 ${e.ndcg10.toFixed(4)}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="ft-chart__legend">
        <span className="ft-chart__key ft-chart__key--loss" /> training loss per step{dense ? ' (faint: raw; line: smoothed)' : ''}{' '}
        <span className="ft-chart__key ft-chart__key--eval" /> held-out nDCG@10
      </figcaption>
    </figure>
  )
}
