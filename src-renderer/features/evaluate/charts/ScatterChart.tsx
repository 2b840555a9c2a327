import { M, YAxis, fmt, ticks } from './axes'

export interface Point {
  label: string
  x: number
  y: number
}

/** Quality (y) against speed (x): the upper right is what a user wants. */
export function ScatterChart({
  title,
  points,
  xLabel,
  yLabel,
  width = 420,
  height = 240,
  line = false,
}: {
  title: string
  points: Point[]
  xLabel: string
  yLabel: string
  width?: number
  height?: number
  /** Join the points in x order (a curve over dimensions). */
  line?: boolean
}) {
  const xs = points.map((p) => p.x)
  const ys = points.map((p) => p.y)
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)]
  const pad = (x1 - x0) * 0.1 || Math.max(1, x0 * 0.1)
  const [lo, hi] = [Math.max(0, x0 - pad), x1 + pad]
  const [y0, y1] = [Math.min(0, ...ys), Math.max(1e-9, ...ys) <= 1 ? 1 : Math.max(...ys) * 1.1]
  const x = (v: number) => M.left + ((v - lo) / (hi - lo)) * (width - M.left - M.right)
  const y = (v: number) => M.top + (1 - (v - y0) / (y1 - y0)) * (height - M.top - M.bottom)
  const sorted = [...points].sort((a, b) => a.x - b.x)
  return (
    <figure className="chart" data-testid={line ? 'eval-dims-chart' : 'eval-scatter-chart'}>
      <figcaption className="chart__title">{title}</figcaption>
      <svg width={width} height={height} role="img" aria-label={title}>
        <YAxis scale={y} values={ticks(y0, y1)} width={width} height={height} label={yLabel} />
        {ticks(lo, hi).map((v) => (
          <text key={v} x={x(v)} y={height - M.bottom + 16} textAnchor="middle" className="chart__tick">
            {fmt(v)}
          </text>
        ))}
        <text x={(M.left + width - M.right) / 2} y={height - 12} textAnchor="middle" className="chart__label">
          {xLabel}
        </text>
        {line && <polyline className="chart__line" points={sorted.map((p) => `${x(p.x)},${y(p.y)}`).join(' ')} />}
        {points.map((p) => (
          <g key={`${p.label}-${p.x}`} transform={`translate(${x(p.x)},${y(p.y)})`}>
            <circle r={5} className="chart__dot" />
            <text x={8} dy="-0.4em" className="chart__value">
              {p.label}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  )
}
