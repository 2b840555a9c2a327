import { Layer, OrthographicView, type Deck, type LayersList, type PickingInfo } from '@deck.gl/core'
import { ScatterplotLayer } from '@deck.gl/layers'
import DeckGL, { type DeckGLRef } from '@deck.gl/react'
import { memo, useCallback, useEffect, useImperativeHandle, useMemo, useRef, useState, type PointerEvent, type Ref } from 'react'
import { pointColors, type ColorMode } from '../../map/colors'
import type { DecodedPoints } from '../../map/decode'
import { dataExtent } from '../../map/data-extent'
import { showMinimap } from '../../map/minimap'
import { labelLevel, levelClusters } from '../../map/label-level'
import { Minimap } from './Minimap'
import { centreInFreeArea, fitExtent, NO_INSETS, type FitViewState, type Insets } from '../../map/fit'
import { positionOf, restoreView, type StoredPosition } from '../../map/view-restore'
import { viewCoverage } from '../../map/view-coverage'
import { clampTarget, zoomLimits } from '../../map/zoom-limits'
import { labelEdgeOffsets, offsetsKey } from '../../map/label-edges'
import { declutterLabels, labelClusters, labelZoomStep } from '../../map/labels'
import {
  densityLayer,
  drawnRadius,
  hoveredPointLayer,
  labelsLayer,
  MOVING_POINTS_LAYER_ID,
  POINTS_LAYER_ID,
  pointRadius,
  pointsData,
  pointsLayer,
} from '../../map/layers'
import { moveData, movePointBudget, moveRows } from '../../map/move-preview'
import { rowsToMask } from '../../map/selection'
import { DECK_THEMES, DEFAULT_APPEARANCE, type MapAppearance } from '../../map/appearance'
import { densityGrid } from '../../map/density'
import { firstFrameTestOptions, installTestHook } from './test-hook'
import { applyEmphasis, isPickable } from '../../map/emphasis'
import { hitRingsLayer } from '../../map/overlay-layers'
import { buildPointIndex, pickPoint, type PointIndex } from '../../map/point-index'
import type { HoverPoint } from './hover-store'
import { isSoftwareRenderer } from '../../map/software-gl'
import { skipUnchangedResizes } from '../../map/unchanged-resize'
import { useMoving } from './useMoving'

const VIEW = new OrthographicView({ id: 'map', flipY: true })

/**
 * No MSAA and no preserved drawing buffer: every layer here smooths its own edges in its shader, and in software
 * WebGL (SwiftShader) 4x MSAA made a 1M-point frame ~3x slower (bench map-floor: 2.6 s → 0.75 s); the looks differ
 * by at most 14/255 on a few edge pixels.
 */
const DEVICE_PROPS = { type: 'webgl', webgl: { antialias: false, preserveDrawingBuffer: false } } as const

/** True once deck.gl has set up a points layer it draws (all points, or the share), i.e. the frame just drawn had points. */
function pointsDrawn(deck: Deck | null | undefined): boolean {
  return (deck?.props.layers ?? [])
    .flat()
    .some((l) => l instanceof Layer && (l.id === POINTS_LAYER_ID || l.id === MOVING_POINTS_LAYER_ID) && l.props.visible && l.isLoaded)
}

/** How many points the frame just drawn had: all of them, or the moving map's share. */
function drawnPointCount(deck: Deck | null | undefined): number {
  const shown = (deck?.props.layers ?? [])
    .flat()
    .find((l) => l instanceof Layer && (l.id === POINTS_LAYER_ID || l.id === MOVING_POINTS_LAYER_ID) && l.props.visible)
  return shown instanceof Layer ? ((shown.props.data as unknown as { length?: number }).length ?? 0) : 0
}

/** What the map view can ask of the canvas: move the view to a row, turn screen pixels into map coordinates. */
export interface MapHandle {
  /** Centres the row's point in the canvas area left free by `insets` (default: the current ones). */
  flyTo(row: number, insets?: Insets): void
  /** Back to the view that shows all the data (F, 0, Home, the fit button). */
  fit(): void
  /** Canvas-local pixels → map (data) coordinates; null before the first frame. */
  unproject(x: number, y: number): [number, number] | null
}

/** Pixels around a point's disc that still pick it, so small points are easy to hover. */
const PICK_SLACK_PX = 3

/**
 * Above this many points on a software renderer the hovered point gets no ring: the ring is a deck layer, so drawing
 * it redraws every point (~0.15 s at 200k, ~0.6 s at 1M on SwiftShader), and the pointer would lag behind each move.
 * The tooltip, which is HTML, still shows the row at once.
 */
const SOFTWARE_HOVER_RING_MAX = 200_000

/**
 * The deck.gl canvas: points as binary attributes, cluster labels, the selected row ringed. Redraws only when
 * something changes (no animation), and marks the container after each frame so tests know when it has drawn.
 * Hover and click pick on the CPU (map/point-index.ts), never with deck.gl's GPU picking pass: that pass redraws
 * every point and waits for the GPU, which is what made hovering slow.
 */
export const MapCanvas = memo(function MapCanvas({
  points,
  mode,
  width,
  height,
  selected,
  onHover,
  onSelect,
  emphasis = null,
  rings = null,
  handleRef,
  colors = null,
  appearance = DEFAULT_APPEARANCE,
  initialPosition = null,
  insets = NO_INSETS,
  hiddenClusters,
  onViewChange,
  overlays,
}: {
  points: DecodedPoints
  mode: ColorMode
  width: number
  height: number
  selected: number | null
  onHover(p: HoverPoint | null): void
  onSelect(row: number | null): void
  /** Per-point emphasis codes (map/emphasis.ts): highlighted, dimmed or hidden; null draws plain colours. */
  emphasis?: Uint8Array | null
  /** Rows to ring (search hits). */
  rings?: Int32Array | null
  handleRef?: Ref<MapHandle>
  /** RGBA per point from the colour mode, column colouring and filter dimming (useMapLook); null: colour by `mode`. */
  colors?: Uint8Array | null
  appearance?: MapAppearance
  /** A remembered view; used only if it still shows the data (map/view-restore.ts), else the map fits itself. */
  initialPosition?: StoredPosition | null
  /** Canvas edges covered by overlays (the legend): fits keep the data out of them. */
  insets?: Insets
  /** Clusters hidden on the map (their labels go too). */
  hiddenClusters?: ReadonlySet<number>
  onViewChange?(p: StoredPosition): void
  /** More layers drawn over the points (translation links), given the hovered row; keep the function stable. */
  overlays?: (hovered: number | null) => LayersList
}) {
  const deckRef = useRef<DeckGLRef>(null)
  const boxRef = useRef<HTMLDivElement>(null)
  const frames = useRef(0)
  const [hovered, setHovered] = useState<number | null>(null)
  // The picking grid is built when first needed, or once the first frame of every point is on screen, whichever comes
  // first: not on the path of the first frames (1M points: ~30-50 ms).
  const indexOf = useRef<{ points: DecodedPoints; index: PointIndex } | null>(null)
  const pointIndex = useCallback(() => {
    if (indexOf.current?.points !== points) indexOf.current = { points, index: buildPointIndex(points.coords) }
    return indexOf.current.index
  }, [points])
  const radiusPx = drawnRadius(points.n, appearance)
  /**
   * Known once the canvas has its first measured size: whether WebGL is software (then one pixel per CSS pixel:
   * SwiftShader pays per pixel too). Until then no layer is drawn: deck.gl may draw before the canvas is measured,
   * and a draw of every point at the wrong size (or buffer) is then followed at once by a second one.
   */
  const [gl, setGl] = useState<{ software: boolean } | null>(null)
  // Test-only (compiled out of normal builds): a moving budget from the first frame on, and holding the first frame.
  const [testFirstFrame] = useState(() => (import.meta.env.VITE_EMBEDMAP_TEST_HOOKS === '1' ? firstFrameTestOptions() : null))
  /** Draws every point after a first frame a test holds (firstFrameTestOptions().hold). */
  const heldFirst = useRef<(() => void) | null>(null)
  const indexQueued = useRef(false)
  const resizeGuard = useRef<{ drawn(): void } | null>(null)
  // Colours are rebuilt once per mode (and per run), never per frame or per hover.
  const data = useMemo(() => pointsData(points, applyEmphasis(colors ?? pointColors(mode, points), emphasis)), [points, mode, emphasis, colors])
  const extent = useMemo(() => dataExtent(points.coords) ?? { minX: -1, minY: -1, maxX: 1, maxY: 1 }, [points])
  // Once per run (the view is the user's after that): the remembered view if it still shows the data, else the fit.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const start = useMemo(() => restoreView(initialPosition, points.coords, extent, width, height, insets), [points.runId])
  // Latest size and insets for fits and for what is remembered, without rebuilding the handle on every resize.
  const frame = useRef({ width, height, insets })
  frame.current = { width, height, insets }
  const viewNow = useRef<FitViewState>(start.view)
  /** The view state last handed to deck.gl from onViewStateChange. */
  const lastView = useRef<{ target: number[]; zoom: number; state: object } | null>(null)
  // Where the view came to rest (after a pan or zoom, a fly-to or a fit): labels crossing an edge move inside.
  // Not per frame: each change of the offsets redraws every point once.
  const [settled, setSettled] = useState<FitViewState>(start.view)
  /**
   * While the map moves, software WebGL draws a fixed random share of the points (map/move-preview.ts), and every
   * point again once it rests; the new label positions come with that same redraw.
   */
  const { moving, tracker } = useMoving(() => setSettled(viewNow.current))
  // e2e tests draw ~20k-point maps: they set a budget below that to see the moving map's share (from the first
  // frame on, through the test-only first-frame options).
  const [budgetOverride, setBudgetOverride] = useState<number | null | undefined>(() => testFirstFrame?.budget)
  const budget = budgetOverride !== undefined ? budgetOverride : gl ? movePointBudget(gl.software, radiusPx) : null
  // Known with the renderer (before the first points frame), again only when emphasis or budget change; null when
  // every point fits the budget (a GPU, a small map): such maps draw every point at once, moving or not.
  const movingRows = useMemo(() => (budget !== null ? moveRows(points.n, budget, emphasis) : null), [budget, points, emphasis])
  const movingMask = useMemo(() => (movingRows ? rowsToMask(movingRows, points.n) : null), [movingRows, points])
  /**
   * Progressive first frame: a map over the budget first draws its moving share (the rows a pan draws, so the
   * picture only fills in, nothing jumps), and every point in the frame after that one is on screen, like a
   * progressive image. In software WebGL a frame of 1M points takes seconds; the share, a fraction of that.
   */
  const [firstShown, setFirstShown] = useState(false)
  const showMoving = movingRows !== null && (moving || !firstShown)
  /**
   * The full points layer and the labels wait until the share is on screen: the 1M-point upload, and the labels' font
   * atlas and two shaders (compiled at their first draw: in SwiftShader ~0.5-1 s, more than the share's points).
   */
  const withFullLayer = movingRows === null || firstShown
  // For the test hook: the moving map's point count (also before the map has first moved).
  const movingCount = useRef<() => number | null>(() => null)
  movingCount.current = () => (budget === null ? null : ((movingRows ?? moveRows(points.n, budget, emphasis))?.length ?? null))
  /** Whether the frame on screen draws this row: hidden clusters' rows never; while the map moves, only its share. */
  const isDrawn = useCallback(
    (row: number) => isPickable(emphasis, row) && !(showMoving && movingMask !== null && movingMask[row] === 0),
    [emphasis, showMoving, movingMask],
  )
  /** The row drawn under canvas pixel (x, y), or null: only what is drawn can be hovered or clicked. */
  const pickAt = useCallback(
    (x: number, y: number): number | null => {
      const viewport = deckRef.current?.deck?.getViewports()[0]
      if (!viewport) return null
      const [ux, uy] = viewport.unproject([x, y])
      const unitsPerPx = 1 / viewport.scale
      const skip = emphasis || showMoving ? (row: number) => !isDrawn(row) : undefined
      const row = pickPoint(pointIndex(), points.coords, ux, uy, radiusPx * unitsPerPx, PICK_SLACK_PX * unitsPerPx, skip)
      return row >= 0 ? row : null
    },
    [pointIndex, points, radiusPx, emphasis, showMoving, isDrawn],
  )
  const movingData = useMemo(() => (movingRows ? moveData(movingRows, data) : null), [movingRows, data])
  const hoverTo = useCallback(
    (p: HoverPoint | null) => {
      setHovered(p ? p.row : null)
      onHover(p)
    },
    [onHover],
  )
  function onPointerMove(e: PointerEvent<HTMLDivElement>) {
    // While a button is down the map is being dragged: no hover.
    if (e.buttons !== 0) return hovered !== null ? hoverTo(null) : undefined
    const box = e.currentTarget.getBoundingClientRect()
    const x = e.clientX - box.left
    const y = e.clientY - box.top
    const row = pickAt(x, y)
    if (row !== hovered) hoverTo(row === null ? null : { row, x, y })
  }
  /** Canvas pixels where the last fly-to put its row: the centre of the area the overlays left free. */
  const flightCentre = useRef<[number, number] | null>(null)
  // Labels are decluttered per quarter zoom step: more appear as the user zooms in.
  const [zoomStep, setZoomStep] = useState(() => labelZoomStep(start.view.zoom))
  // Two label levels when the analysis has a hierarchy: coarse clusters near the fit, the fine ones zoomed in.
  const fitZoom = fitExtent(extent, width, height, undefined, insets).zoom
  const level = labelLevel(zoomStep, fitZoom, points.coarse !== null)
  // A hidden cluster's points are not drawn, so neither is its label (nor a coarse label with all of it hidden).
  const candidates = useMemo(() => labelClusters(levelClusters(points, level, hiddenClusters)), [points, level, hiddenClusters])
  const labels = useMemo(() => declutterLabels(candidates, zoomStep), [candidates, zoomStep])
  const edgeOffsets = useMemo(() => labelEdgeOffsets(labels, settled.target, settled.zoom, width, height), [labels, settled, width, height])
  const edgeKey = offsetsKey(edgeOffsets)
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stableOffsets = useMemo(() => edgeOffsets, [edgeKey])
  const density = useMemo(() => (appearance.density ? densityGrid(points.coords) : null), [appearance.density, points])
  // A fly-to or fit replaces the initial view state (deck.gl then moves there); null keeps the start view. Zoom limits
  // ride along in the view state, where deck.gl's controller enforces them.
  const [flight, setFlightState] = useState<(FitViewState & { transitionDuration: number; minZoom: number; maxZoom: number; flightNo: number }) | null>(null)
  // deck.gl applies a new initialViewState only if it differs deeply from the previous one: F after F (with a pan
  // between) would otherwise be ignored. A running number makes every flight a new one.
  const flights = useRef(0)
  // A flight is applied without a view-state callback: it is the view now. Its labels (and their level, which follow
  // its zoom) and edge offsets change in the same render, so deck.gl draws the new view once, labels included: set
  // from an effect they came a render later, and in software WebGL that was a second full draw (1M points: seconds).
  const setFlight = useCallback((f: FitViewState & { transitionDuration: number; minZoom: number; maxZoom: number }) => {
    setFlightState({ ...f, flightNo: ++flights.current })
    viewNow.current = { target: f.target, zoom: f.zoom }
    setSettled(viewNow.current)
    setZoomStep(labelZoomStep(f.zoom))
  }, [])
  // Keyed by the view's id: deck.gl then keeps this very object as the view's state, and a view state change that
  // hands it back (a press that does not move the map) is seen as no change (no redraw of every point).
  const initialViewState = useMemo(() => ({ map: flight ?? { ...start.view, ...start.limits } }), [flight, start])
  useEffect(() => {
    const v = initialViewState.map
    lastView.current = { target: v.target, zoom: v.zoom, state: v }
  }, [initialViewState])
  // The start view is remembered at once: a map that was never moved must not leave an empty position behind.
  useEffect(() => {
    onViewChange?.(positionOf(start.view.target, start.view.zoom, width, height))
  }, [start]) // eslint-disable-line react-hooks/exhaustive-deps
  // Until the user moves the map, a new canvas size (the layout settling into explore mode just after the map
  // mounts, a window resize) fits again: "fit on first show" must hold for the size the map ends up at. Decided
  // while rendering, not in an effect: the map mounts before explore mode's layout, and an effect's fit reached
  // deck.gl after it had drawn every point once at the old size's view (then all again at the new one).
  const touched = useRef(false)
  const [fittedSize, setFittedSize] = useState({ width, height })
  if (!touched.current && (width !== fittedSize.width || height !== fittedSize.height)) {
    setFittedSize({ width, height })
    const again = restoreView(initialPosition, points.coords, extent, width, height, insets)
    setFlight({ ...again.view, ...again.limits, transitionDuration: 0 })
  }
  const mounted = useRef(false)
  useEffect(() => {
    if (!mounted.current) return void (mounted.current = true)
    onViewChange?.(positionOf(viewNow.current.target, viewNow.current.zoom, fittedSize.width, fittedSize.height))
  }, [fittedSize]) // eslint-disable-line react-hooks/exhaustive-deps
  const fly = useCallback(
    (to: FitViewState) => {
      const { width: w, height: h, insets: i } = frame.current
      const limits = zoomLimits(fitExtent(extent, w, h, undefined, i).zoom)
      // No animation for automated browsers: tests must not wait on transitions.
      setFlight({ ...to, ...limits, transitionDuration: navigator.webdriver ? 0 : 500 })
    },
    [extent, setFlight],
  )
  useImperativeHandle(
    handleRef,
    () => ({
      flyTo(row, around) {
        if (row < 0 || row >= points.n) return
        const { width: w, height: h, insets: i } = frame.current
        const fitZoom = fitExtent(extent, w, h, undefined, i).zoom
        const zoom = Math.max(viewNow.current.zoom, fitZoom + 2)
        const free = around ?? i
        flightCentre.current = [free.left + (w - free.left - free.right) / 2, free.top + (h - free.top - free.bottom) / 2]
        fly({ target: centreInFreeArea(points.coords[2 * row], points.coords[2 * row + 1], zoom, around ?? i), zoom })
      },
      fit() {
        const { width: w, height: h, insets: i } = frame.current
        fly(fitExtent(extent, w, h, undefined, i))
      },
      unproject(x, y) {
        const viewport = deckRef.current?.deck?.getViewports()[0]
        if (!viewport) return null
        const [ux, uy] = viewport.unproject([x, y])
        return [ux, uy]
      },
    }),
    [points, extent, fly],
  )
  const ringRow = hovered !== null && !(gl?.software && points.n > SOFTWARE_HOVER_RING_MAX) ? hovered : null
  // Only overlays follow the hovered row: without them, hovering must not rebuild the layers.
  const overlayHover = overlays ? hovered : null
  const layers = useMemo(
    () =>
      gl === null
        ? []
        : [
            ...(density ? [densityLayer(density, appearance.theme)] : []),
            ...(withFullLayer ? [pointsLayer(data, appearance, { visible: !showMoving })] : []),
            // Kept once made (hidden while the map rests), so each drag reuses its GPU buffers.
            ...(movingData ? [pointsLayer(movingData, appearance, { id: MOVING_POINTS_LAYER_ID, radiusPx, visible: showMoving })] : []),
            ...(overlays ? overlays(overlayHover) : []),
            ...(ringRow !== null ? [hoveredPointLayer(points.coords, ringRow, radiusPx, appearance.theme)] : []),
            // Only while a row is selected: an empty layer would still compile its shader before the first frame.
            ...(selected !== null
              ? [
                  new ScatterplotLayer<number>({
                    id: 'selection',
                    data: [selected],
                    getPosition: (row) => [points.coords[2 * row], points.coords[2 * row + 1]],
                    radiusUnits: 'pixels',
                    getRadius: pointRadius(points.n) + 4,
                    stroked: true,
                    filled: false,
                    lineWidthUnits: 'pixels',
                    getLineWidth: 2,
                    getLineColor: DECK_THEMES[appearance.theme].selection,
                    updateTriggers: { getLineColor: appearance.theme },
                  }),
                ]
              : []),
            ...(rings && rings.length ? [hitRingsLayer(points, rings)] : []),
            // with every point (see withFullLayer)
            ...(withFullLayer ? [labelsLayer(labels, appearance.theme, stableOffsets, edgeKey)] : []),
          ],
    [
      gl,
      data,
      withFullLayer,
      movingData,
      showMoving,
      labels,
      selected,
      points,
      rings,
      appearance,
      density,
      ringRow,
      radiusPx,
      stableOffsets,
      edgeKey,
      overlays,
      overlayHover,
    ],
  )

  useEffect(() => {
    // Compiled out of normal builds (the condition folds to false and test-hook.ts is dropped); only the e2e tests'
    // renderer, built with VITE_EMBEDMAP_TEST_HOOKS=1, lets automated browsers reach the map.
    if (import.meta.env.VITE_EMBEDMAP_TEST_HOOKS !== '1') return
    return installTestHook(
      () => deckRef.current?.deck,
      () => boxRef.current?.getBoundingClientRect() ?? null,
      points,
      pickAt,
      () => {
        // What deck.gl draws now (its viewport), not what this component last asked for.
        const { width: w, height: h, insets: i } = frame.current
        const viewport = deckRef.current?.deck?.getViewports()[0]
        const target = viewport ? viewport.unproject([viewport.width / 2, viewport.height / 2]) : viewNow.current.target
        const zoom = viewport ? viewport.zoom : viewNow.current.zoom
        const cw = viewport?.width ?? w
        const ch = viewport?.height ?? h
        return {
          target,
          zoom,
          fitZoom: fitExtent(extent, w, h, undefined, i).zoom,
          coverage: viewCoverage(points.coords, target, zoom, cw, ch),
          flightCentre: flightCentre.current,
        }
      },
      { movingPoints: () => movingCount.current(), isDrawn, setMoveBudget: setBudgetOverride, releaseFirstFrame: () => heldFirst.current?.() },
    )
  }, [points, pickAt, isDrawn, extent])

  return (
    <div
      className="map-canvas"
      ref={boxRef}
      data-testid="map-canvas"
      data-run-id={points.runId}
      data-points={points.n}
      data-labels={labels.length}
      data-label-level={level}
      data-hovered={hovered ?? undefined}
      onPointerMove={onPointerMove}
      onPointerLeave={() => hovered !== null && hoverTo(null)}
    >
      <DeckGL
        ref={deckRef}
        views={VIEW}
        // keyed by view id (deck.gl accepts it; its types list only the flat form)
        initialViewState={initialViewState as unknown as FitViewState}
        controller={{ doubleClickZoom: true, inertia: false }}
        onViewStateChange={({ viewState, interactionState }) => {
          const vs = viewState as { target: number[]; zoom: number }
          // Only the user's own moves count (deck.gl may also report resizes and transitions here).
          if (interactionState?.isDragging || interactionState?.isPanning || interactionState?.isZooming) touched.current = true
          // Panning cannot take the data off screen: the centre stays over it (zoom is limited by the view state).
          const [x, y] = clampTarget(vs.target, extent)
          const target: [number, number, number] = [x, y, 0]
          const prev = viewNow.current
          // deck.gl also reports a press (the start of a possible drag) as a change: only a real move counts as moving.
          const moved = x !== prev.target[0] || y !== prev.target[1] || vs.zoom !== prev.zoom
          // Not moved: hand deck.gl back the view state it has (the same object), or it redraws every point for nothing.
          const last = lastView.current
          if (!moved && last && last.target[0] === x && last.target[1] === y && last.zoom === vs.zoom) return last.state as typeof viewState
          viewNow.current = { target, zoom: vs.zoom }
          setZoomStep(labelZoomStep(vs.zoom))
          // The moving look until the map rests again; then labels move inside and every point is drawn.
          if (moved) tracker.viewChanged(interactionState)
          onViewChange?.(positionOf(target, vs.zoom, frame.current.width, frame.current.height))
          const next = { ...viewState, target }
          lastView.current = { target, zoom: vs.zoom, state: next }
          return next
        }}
        layers={layers}
        useDevicePixels={gl?.software ? 1 : true}
        deviceProps={DEVICE_PROPS}
        onDeviceInitialized={(device) => {
          resizeGuard.current = skipUnchangedResizes(device)
          void device.getDefaultCanvasContext().initialized.then(() => setGl({ software: isSoftwareRenderer(device.info) }))
        }}
        onBeforeRender={() => resizeGuard.current?.drawn()}
        getCursor={({ isDragging }) => (isDragging ? 'grabbing' : hovered !== null ? 'pointer' : 'grab')}
        onClick={(info: PickingInfo) => onSelect(pickAt(info.x, info.y))}
        onInteractionStateChange={(s) => tracker.interaction(s)}
        onAfterRender={() => {
          // Frames before the layers exist are empty: tests and benchmarks wait for the map's own frames.
          if (!pointsDrawn(deckRef.current?.deck)) return
          frames.current++
          const drawn = drawnPointCount(deckRef.current?.deck)
          // Once it is on screen (two animation frames later), a first frame that drew the share is followed by every
          // point (a test may hold it there).
          if (frames.current === 1)
            requestAnimationFrame(() =>
              requestAnimationFrame(() => {
                if (testFirstFrame?.hold) heldFirst.current = () => setFirstShown(true)
                else setFirstShown(true)
              }),
            )
          // ...and the first frame of every point by the picking grid (a hover before then builds it at once).
          if (drawn === points.n && !indexQueued.current) {
            indexQueued.current = true
            requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(pointIndex, 0)))
          }
          const el = boxRef.current
          if (el) {
            // Before data-frames: whoever watches that attribute reads what the frame drew.
            el.dataset.drawnPoints = String(drawn)
            el.dataset.frames = String(frames.current)
            el.dataset.rendered = 'true'
          }
        }}
      />
      {showMinimap(settled.zoom, fitZoom) && (
        <Minimap
          points={points}
          extent={extent}
          view={settled}
          canvas={{ width, height }}
          onCentre={(x, y) => fly({ target: [x, y, 0], zoom: viewNow.current.zoom })}
        />
      )}
    </div>
  )
})
