import type { FinetuneRun } from '../../../src-main/contract'

const W = 420
const H = 180
const PAD = { l: 44, r: 44, t: 14, b: 28 }

/** Training loss per epoch (line, left axis) and held-out nDCG@10 per evaluation (dots, right axis), live. */
export function LossChart({ run }: { run: FinetuneRun }) {
  const losses = run.steps.filter((s) => s.loss !== null) as { epoch: number; loss: number }[]
  const evals = run.evaluations
  const maxEpoch = Math.max(1, ...losses.map((s) => s.epoch), ...evals.map((e) => e.epoch))
  const maxLoss = Math.max(1e-6, ...losses.map((s) => s.loss))
  const nd = evals.map((e) => e.ndcg10)
  const [lo, hi] = nd.length ? [Math.min(...nd), Math.max(...nd)] : [0, 1]
  const span = Math.max(0.01, hi - lo)
  const [ndLo, ndHi] = [Math.max(0, lo - span * 0.15), Math.min(1, hi + span * 0.15)]
  const x = (epoch: number) => PAD.l + ((W - PAD.l - PAD.r) * epoch) / maxEpoch
  const yLoss = (v: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / maxLoss)
  const yNd = (v: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - (v - ndLo) / Math.max(1e-9, ndHi - ndLo))
  const path = losses.map((s, i) => `${i ? 'L' : 'M'}${x(s.epoch).toFixed(1)},${yLoss(s.loss).toFixed(1)}`).join(' ')
  return (
    <figure className="ft-chart" data-testid="finetune-loss-chart" data-points={losses.length} data-evals={evals.length}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Training loss and held-out nDCG@10 by epoch">
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
          epoch (0 = base model) · {maxEpoch}
        </text>
        <path d={path} className="ft-chart__loss" />
        {losses.map((s) => (
          <circle key={`l${s.epoch}`} cx={x(s.epoch)} cy={yLoss(s.loss)} r={2.5} className="ft-chart__loss-dot" />
        ))}
        {evals.map((e) => (
          <circle key={`e${e.epoch}`} cx={x(e.epoch)} cy={yNd(e.ndcg10)} r={4} className="ft-chart__eval">
            <title>{`epoch ${e.epoch}: nDCG@10 ${e.ndcg10.toFixed(4)}`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="ft-chart__legend">
        <span className="ft-chart__key ft-chart__key--loss" /> training loss <span className="ft-chart__key ft-chart__key--eval" /> held-out nDCG@10
      </figcaption>
    </figure>
  )
}
