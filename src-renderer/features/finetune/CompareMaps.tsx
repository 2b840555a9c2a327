import { useEffect, useMemo, useRef, useState } from 'react'
import type { FinetuneCompare } from '../../../src-main/contract'

const SIZE = 340

interface Frame {
  minX: number
  minY: number
  scale: number
}

/** One frame for both maps (the new one is aligned onto the base), so the same place means the same thing. */
function frameOf(a: number[], b: number[]): Frame {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const c of [a, b])
    for (let i = 0; i < c.length; i += 2) {
      minX = Math.min(minX, c[i])
      maxX = Math.max(maxX, c[i])
      minY = Math.min(minY, c[i + 1])
      maxY = Math.max(maxY, c[i + 1])
    }
  const scale = (SIZE - 20) / Math.max(1e-9, maxX - minX, maxY - minY)
  return { minX, minY, scale }
}

function MapCanvas({
  coords,
  frame,
  change,
  hovered,
  onHover,
  title,
  testId,
}: {
  coords: number[]
  frame: Frame
  change: Map<number, number>
  hovered: number | null
  onHover(row: number | null): void
  title: string
  testId: string
}) {
  const ref = useRef<HTMLCanvasElement>(null)
  const px = (i: number): [number, number] => [10 + (coords[2 * i] - frame.minX) * frame.scale, SIZE - 10 - (coords[2 * i + 1] - frame.minY) * frame.scale]
  useEffect(() => {
    const ctx = ref.current?.getContext('2d')
    if (!ctx) return
    ctx.clearRect(0, 0, SIZE, SIZE)
    const n = coords.length / 2
    for (let i = 0; i < n; i++) {
      const [x, y] = px(i)
      const moved = change.get(i)
      ctx.fillStyle = moved === undefined ? 'rgba(47,111,222,0.45)' : `rgba(201,55,44,${0.5 + 0.5 * moved})`
      ctx.fillRect(x - 1.5, y - 1.5, moved === undefined ? 3 : 4, moved === undefined ? 3 : 4)
    }
    if (hovered !== null && hovered < n) {
      const [x, y] = px(hovered)
      ctx.strokeStyle = '#1d2330'
      ctx.lineWidth = 2
      ctx.beginPath()
      ctx.arc(x, y, 7, 0, 2 * Math.PI)
      ctx.stroke()
    }
  })
  function nearest(e: React.MouseEvent<HTMLCanvasElement>) {
    const r = e.currentTarget.getBoundingClientRect()
    const [mx, my] = [((e.clientX - r.left) * SIZE) / r.width, ((e.clientY - r.top) * SIZE) / r.height]
    let best = -1
    let bestD = 64
    for (let i = 0; i < coords.length / 2; i++) {
      const [x, y] = px(i)
      const d = (x - mx) ** 2 + (y - my) ** 2
      if (d < bestD) [best, bestD] = [i, d]
    }
    onHover(best >= 0 ? best : null)
  }
  return (
    <figure className="ft-map">
      <figcaption>{title}</figcaption>
      <canvas ref={ref} width={SIZE} height={SIZE} data-testid={testId} onMouseMove={nearest} onMouseLeave={() => onHover(null)} />
    </figure>
  )
}

/** The base model's map and the fine-tuned model's map side by side, aligned, hover linked, with the rows that moved most. */
export function CompareMaps({ compare, baseLabel, newLabel }: { compare: FinetuneCompare; baseLabel: string; newLabel: string }) {
  const [hovered, setHovered] = useState<number | null>(null)
  const frame = useMemo(() => frameOf(compare.base, compare.newAligned), [compare])
  const change = useMemo(() => new Map(compare.moved.map((m) => [m.row, m.neighbourChange])), [compare])
  const text = compare.moved.find((m) => m.row === hovered)?.text
  return (
    <div className="ft-compare" data-testid="finetune-compare" data-mean-change={compare.meanNeighbourChange}>
      <div className="ft-compare__maps">
        <MapCanvas
          coords={compare.base}
          frame={frame}
          change={change}
          hovered={hovered}
          onHover={setHovered}
          title={`Base: ${baseLabel}`}
          testId="finetune-map-base"
        />
        <MapCanvas
          coords={compare.newAligned}
          frame={frame}
          change={change}
          hovered={hovered}
          onHover={setHovered}
          title={`Fine-tuned: ${newLabel} (aligned)`}
          testId="finetune-map-new"
        />
      </div>
      <p className="muted">
        Red points changed most: on average {(compare.meanNeighbourChange * 100).toFixed(0)} % of a row’s 15 nearest neighbours differ between the two models.{' '}
        {hovered !== null ? `Row ${hovered + 1}${text ? `: ${text.slice(0, 120)}` : ''}` : 'Hover a point to find it in both maps.'}
      </p>
      <h4>Rows that moved most</h4>
      <ol className="ft-moved" data-testid="finetune-moved">
        {compare.moved.slice(0, 12).map((m) => (
          <li key={m.row} onMouseEnter={() => setHovered(m.row)} onMouseLeave={() => setHovered(null)} className={hovered === m.row ? 'is-hovered' : ''}>
            <span className="ft-moved__pct">{(m.neighbourChange * 100).toFixed(0)} %</span> <span className="ft-moved__text">{m.text}</span>
          </li>
        ))}
      </ol>
    </div>
  )
}
