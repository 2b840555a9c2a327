/** Shared plot frame: margins, a y axis with ticks and a label, an x label. Plain SVG, readable at any size. */
export const M = { top: 16, right: 16, bottom: 56, left: 56 }

export function ticks(min: number, max: number, n = 5): number[] {
  if (max <= min) return [min]
  const step = (max - min) / (n - 1)
  return Array.from({ length: n }, (_, i) => min + i * step)
}

export function fmt(v: number): string {
  if (Math.abs(v) >= 1000) return `${Math.round(v / 100) / 10}k`
  if (Math.abs(v) >= 10) return v.toFixed(0)
  return v.toFixed(2)
}

export function YAxis({
  scale,
  values,
  width,
  label,
  height,
}: {
  scale: (v: number) => number
  values: number[]
  width: number
  label: string
  height: number
}) {
  return (
    <g className="chart__axis">
      {values.map((v) => (
        <g key={v} transform={`translate(0,${scale(v)})`}>
          <line x1={M.left} x2={width - M.right} className="chart__grid" />
          <text x={M.left - 6} dy="0.32em" textAnchor="end">
            {fmt(v)}
          </text>
        </g>
      ))}
      <text transform={`translate(14,${(M.top + height - M.bottom) / 2}) rotate(-90)`} textAnchor="middle" className="chart__label">
        {label}
      </text>
    </g>
  )
}
