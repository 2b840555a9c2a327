import { M, YAxis, ticks } from './axes'

export interface Bar {
  label: string
  value: number
  /** The lexical baseline is drawn hatched-grey so it reads as the reference. */
  baseline?: boolean
}

/** One metric across models: a bar each, value on top, 0–1 scale for scores. */
export function BarChart({ title, bars, width = 420, height = 240 }: { title: string; bars: Bar[]; width?: number; height?: number }) {
  const max = Math.max(1e-9, ...bars.map((b) => b.value))
  const top = max <= 1 ? 1 : max * 1.1
  const y = (v: number) => M.top + (1 - v / top) * (height - M.top - M.bottom)
  const slot = (width - M.left - M.right) / Math.max(1, bars.length)
  const bw = Math.min(56, slot * 0.6)
  return (
    <figure className="chart" data-testid="eval-bar-chart">
      <figcaption className="chart__title">{title}</figcaption>
      <svg width={width} height={height} role="img" aria-label={title}>
        <YAxis scale={y} values={ticks(0, top)} width={width} height={height} label={title} />
        {bars.map((b, i) => {
          const x = M.left + slot * i + (slot - bw) / 2
          return (
            <g key={b.label}>
              <rect x={x} y={y(b.value)} width={bw} height={y(0) - y(b.value)} className={b.baseline ? 'chart__bar chart__bar--baseline' : 'chart__bar'} />
              <text x={x + bw / 2} y={y(b.value) - 4} textAnchor="middle" className="chart__value">
                {b.value.toFixed(3)}
              </text>
              <text x={x + bw / 2} y={height - M.bottom + 16} textAnchor="middle" className="chart__tick">
                {b.label.length > 18 ? `${b.label.slice(0, 17)}…` : b.label}
              </text>
            </g>
          )
        })}
      </svg>
    </figure>
  )
}
