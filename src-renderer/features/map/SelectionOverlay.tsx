import { useRef, useState, type PointerEvent } from 'react'
import type { SelectionOp } from '../../map/selection'

export type SelectTool = 'pan' | 'lasso' | 'box'

/** A finished gesture, in canvas-local pixels: a lasso's path or a box's two corners. */
export type SelectGesture =
  { kind: 'lasso'; path: number[]; op: SelectionOp } | { kind: 'box'; x0: number; y0: number; x1: number; y1: number; op: SelectionOp }

/** Points of a lasso closer than this (pixels) to the previous one are skipped: a smooth path, fewer edges. */
const MIN_STEP_PX = 3

function opOf(e: PointerEvent): SelectionOp {
  return e.altKey ? 'subtract' : e.shiftKey ? 'add' : 'replace'
}

/**
 * Captures a lasso or box drag over the map (the canvas does not pan meanwhile) and draws it; on release hands the
 * gesture to `onGesture`. Shift adds to the selection, Alt removes from it.
 */
export function SelectionOverlay({ tool, onGesture }: { tool: Exclude<SelectTool, 'pan'>; onGesture(g: SelectGesture): void }) {
  const boxRef = useRef<HTMLDivElement>(null)
  const [path, setPath] = useState<number[] | null>(null)

  const local = (e: PointerEvent): [number, number] => {
    const r = boxRef.current!.getBoundingClientRect()
    return [e.clientX - r.left, e.clientY - r.top]
  }

  function down(e: PointerEvent<HTMLDivElement>) {
    if (e.button !== 0) return
    e.currentTarget.setPointerCapture(e.pointerId)
    const [x, y] = local(e)
    setPath([x, y])
  }

  function move(e: PointerEvent<HTMLDivElement>) {
    if (!path) return
    const [x, y] = local(e)
    if (tool === 'box') {
      setPath([path[0], path[1], x, y])
      return
    }
    const px = path[path.length - 2]
    const py = path[path.length - 1]
    if (Math.hypot(x - px, y - py) >= MIN_STEP_PX) setPath([...path, x, y])
  }

  function up(e: PointerEvent<HTMLDivElement>) {
    if (!path) return
    const [x, y] = local(e)
    const done = tool === 'box' ? [path[0], path[1], x, y] : [...path, x, y]
    setPath(null)
    if (tool === 'box') onGesture({ kind: 'box', x0: done[0], y0: done[1], x1: done[2], y1: done[3], op: opOf(e) })
    else if (done.length >= 6) onGesture({ kind: 'lasso', path: done, op: opOf(e) })
  }

  let shape = null
  if (path && tool === 'box' && path.length === 4) {
    const [x0, y0, x1, y1] = path
    shape = <rect x={Math.min(x0, x1)} y={Math.min(y0, y1)} width={Math.abs(x1 - x0)} height={Math.abs(y1 - y0)} />
  } else if (path && tool === 'lasso' && path.length >= 4) {
    shape = <polygon points={path.join(' ')} />
  }

  return (
    <div
      ref={boxRef}
      className={`map-select-overlay map-select-overlay--${tool}`}
      data-testid="map-select-overlay"
      data-tool={tool}
      role="application"
      aria-label={tool === 'lasso' ? 'Draw a lasso around points to select them' : 'Drag a box over points to select them'}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerCancel={() => setPath(null)}
    >
      <svg className="map-select-overlay__svg" aria-hidden="true">
        {shape}
      </svg>
    </div>
  )
}
