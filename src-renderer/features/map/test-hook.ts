import type { Deck } from '@deck.gl/core'
import type { DecodedPoints } from '../../map/decode'
import { DECK_THEMES, type Theme } from '../../map/appearance'
import { POINTS_LAYER_ID, type PointsData } from '../../map/layers'
import type { ViewCoverage } from '../../map/view-coverage'

/** What automated browsers (navigator.webdriver) may ask the map: where a row is drawn, which row is pickable. */
export interface MapTestHook {
  /** Page coordinates of a row's point. */
  clientPointOf(row: number): { x: number; y: number } | null
  /** The first of `tries` rows that the map picks at its own position (i.e. not hidden under another point). */
  findPickableRow(tries?: number): { row: number; x: number; y: number } | null
  /** All of the first `tries` rows on the canvas that the map picks at their own positions. */
  pickableRows(tries: number): number[]
  /** Rows the points layer now draws in the current theme's "filtered out" colour (read from the GPU-bound colours). */
  dimmedRows(): number[]
  /** The current view, the zoom that fits the data, and how much of the data the view shows. */
  view(): { target: number[]; zoom: number; fitZoom: number; coverage: ViewCoverage; flightCentre: [number, number] | null }
  /** deck.gl itself, for benchmarks that time picking and drawing directly. */
  deck(): Deck | null
  /** How many points the map draws while it moves; null when it draws them all (a hardware GPU, or few points). */
  movingPoints(): number | null
  /** Whether the frame on screen draws this row (while moving, only the moving share is drawn). */
  isDrawn(row: number): boolean
  /**
   * Points a moving map may draw, instead of the renderer's own budget (undefined: back to that): e2e tests use maps
   * of ~20k points, which software WebGL draws whole.
   */
  setMoveBudget(budget: number | null | undefined): void
  /** Lets a held first frame (window.__embedmapMapFirstFrame.hold) be followed by the frame with every point. */
  releaseFirstFrame(): void
}

/**
 * Set by a test before the map mounts (page.addInitScript): `budget`, the moving budget from the first frame on (so
 * a ~20k-point map draws its first frame progressively, like a 1M one in software WebGL); `hold`, keep the first
 * frame (the share) on screen until releaseFirstFrame(), for a screenshot of it.
 */
export interface FirstFrameTestOptions {
  budget?: number
  hold?: boolean
}

export function firstFrameTestOptions(): FirstFrameTestOptions | null {
  return navigator.webdriver ? (window.__embedmapMapFirstFrame ?? null) : null
}

/** What the canvas lends the hook about its moving look (map/move-preview.ts). */
export interface MovingHooks {
  movingPoints(): number | null
  isDrawn(row: number): boolean
  setMoveBudget(budget: number | null | undefined): void
  releaseFirstFrame(): void
}

declare global {
  interface Window {
    __embedmapMap?: MapTestHook
    __embedmapMapFirstFrame?: FirstFrameTestOptions
  }
}

export function installTestHook(
  getDeck: () => Deck | null | undefined,
  canvasBox: () => DOMRect | null,
  points: DecodedPoints,
  pickAt: (x: number, y: number) => number | null,
  view: () => ReturnType<MapTestHook['view']>,
  moving: MovingHooks,
): () => void {
  if (!navigator.webdriver) return () => {}
  const local = (row: number): [number, number] | null => {
    const viewport = getDeck()?.getViewports()[0]
    if (!viewport || row < 0 || row >= points.n) return null
    const [x, y] = viewport.project([points.coords[2 * row], points.coords[2 * row + 1]])
    return [x, y]
  }
  const hook: MapTestHook = {
    clientPointOf(row) {
      const p = local(row)
      const box = canvasBox()
      return p && box ? { x: box.left + p[0], y: box.top + p[1] } : null
    },
    findPickableRow(tries = 50) {
      const box = canvasBox()
      if (!box) return null
      for (let row = 0; row < Math.min(tries, points.n); row++) {
        const p = local(row)
        if (!p || p[0] < 0 || p[1] < 0 || p[0] > box.width || p[1] > box.height) continue
        if (pickAt(p[0], p[1]) === row) return { row, x: box.left + p[0], y: box.top + p[1] }
      }
      return null
    },
    pickableRows(tries) {
      const box = canvasBox()
      const rows: number[] = []
      for (let row = 0; box && row < Math.min(tries, points.n); row++) {
        const p = local(row)
        if (!p || p[0] < 0 || p[1] < 0 || p[0] > box.width || p[1] > box.height) continue
        if (pickAt(p[0], p[1]) === row) rows.push(row)
      }
      return rows
    },
    deck: () => getDeck() ?? null,
    view,
    movingPoints: moving.movingPoints,
    isDrawn: moving.isDrawn,
    setMoveBudget: moving.setMoveBudget,
    releaseFirstFrame: moving.releaseFirstFrame,
    dimmedRows() {
      const layer = getDeck()
        ?.props.layers.flat()
        .find((l) => l && typeof l === 'object' && 'id' in l && l.id === POINTS_LAYER_ID)
      const colors = (layer as { props: { data: PointsData } } | undefined)?.props.data.attributes.getFillColor.value
      if (!colors) return []
      const dim = DECK_THEMES[(document.documentElement.dataset.theme as Theme) ?? 'light'].dimmed
      const rows: number[] = []
      for (let i = 0; i < points.n; i++) {
        if (colors[4 * i] === dim[0] && colors[4 * i + 1] === dim[1] && colors[4 * i + 2] === dim[2] && colors[4 * i + 3] === dim[3]) rows.push(i)
      }
      return rows
    },
  }
  window.__embedmapMap = hook
  return () => {
    if (window.__embedmapMap === hook) delete window.__embedmapMap
  }
}
