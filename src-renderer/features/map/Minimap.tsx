import { useEffect, useMemo, useRef } from 'react'
import type { Extent } from '../../map/data-extent'
import type { DecodedPoints } from '../../map/decode'
import { clusterColor, cssColor } from '../../map/colors'
import { minimapFrame, minimapRows } from '../../map/minimap'

const W = 168
const H = 120

/**
 * An overview inset while zoomed in: every cluster's shape (a subsample of the points) with the part of the map now in
 * view outlined. Clicking it centres the map there.
 */
export function Minimap({
  points,
  extent,
  view,
  canvas,
  onCentre,
}: {
  points: DecodedPoints
  extent: Extent
  view: { target: number[]; zoom: number }
  canvas: { width: number; height: number }
  onCentre(x: number, y: number): void
}) {
  const ref = useRef<HTMLCanvasElement>(null)
  const frame = useMemo(() => minimapFrame(extent, W, H), [extent])
  const rows = useMemo(() => minimapRows(points.n), [points])
  useEffect(() => {
    const ctx = ref.current?.getContext('2d')
    if (!ctx) return
    ctx.clearRect(0, 0, W, H)
    for (const i of rows) {
      const [px, py] = frame.toPx(points.coords[2 * i], points.coords[2 * i + 1])
      ctx.fillStyle = cssColor(clusterColor(points.cluster[i]))
      ctx.fillRect(px - 0.75, py - 0.75, 1.5, 1.5)
    }
  }, [points, rows, frame])
  const scale = 2 ** view.zoom
  const halfW = canvas.width / scale / 2
  const halfH = canvas.height / scale / 2
  const [x0, y0] = frame.toPx(view.target[0] - halfW, view.target[1] - halfH)
  const [x1, y1] = frame.toPx(view.target[0] + halfW, view.target[1] + halfH)
  const rect = { x: Math.max(0, Math.min(x0, x1)), y: Math.max(0, Math.min(y0, y1)) }
  const rw = Math.min(W, Math.max(x0, x1)) - rect.x
  const rh = Math.min(H, Math.max(y0, y1)) - rect.y
  return (
    <div className="map-minimap" data-testid="map-minimap" role="group" aria-label="Overview of the whole map">
      <canvas
        ref={ref}
        width={W}
        height={H}
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect()
          onCentre(...frame.toData(e.clientX - box.left, e.clientY - box.top))
        }}
        title="Click to centre the map here"
      />
      <div
        className="map-minimap__view"
        data-testid="map-minimap-view"
        style={{ left: rect.x, top: rect.y, width: Math.max(2, rw), height: Math.max(2, rh) }}
      />
    </div>
  )
}
