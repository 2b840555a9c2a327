import { OrthographicView, type PickingInfo } from '@deck.gl/core'
import { ScatterplotLayer } from '@deck.gl/layers'
import DeckGL, { type DeckGLRef } from '@deck.gl/react'
import { useEffect, useMemo, useRef } from 'react'
import { pointColors, type ColorMode } from '../../map/colors'
import type { DecodedPoints } from '../../map/decode'
import { fitBounds } from '../../map/fit'
import { labelClusters } from '../../map/labels'
import { labelsLayer, pointRadius, pointsData, pointsLayer, POINTS_LAYER_ID } from '../../map/layers'
import { installTestHook } from './test-hook'

const VIEW = new OrthographicView({ id: 'map', flipY: true })

export interface HoverPoint {
  row: number
  x: number
  y: number
}

/**
 * The deck.gl canvas: points as binary attributes, cluster labels, the selected row ringed. Redraws only when
 * something changes (no animation), and marks the container after each frame so tests know when it has drawn.
 */
export function MapCanvas({
  points,
  mode,
  width,
  height,
  selected,
  onHover,
  onSelect,
}: {
  points: DecodedPoints
  mode: ColorMode
  width: number
  height: number
  selected: number | null
  onHover(p: HoverPoint | null): void
  onSelect(row: number | null): void
}) {
  const deckRef = useRef<DeckGLRef>(null)
  const boxRef = useRef<HTMLDivElement>(null)
  const frames = useRef(0)
  // Colours are rebuilt once per mode (and per run), never per frame or per hover.
  const data = useMemo(() => pointsData(points, pointColors(mode, points)), [points, mode])
  const labels = useMemo(() => labelClusters(points.clusters), [points])
  // Fit the whole map once per run; pan and zoom are the user's after that.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const initialViewState = useMemo(() => fitBounds(points.coords, width, height), [points.runId])
  const layers = useMemo(
    () => [
      pointsLayer(data),
      new ScatterplotLayer<number>({
        id: 'selection',
        data: selected === null ? [] : [selected],
        getPosition: (row) => [points.coords[2 * row], points.coords[2 * row + 1]],
        radiusUnits: 'pixels',
        getRadius: pointRadius(points.n) + 4,
        stroked: true,
        filled: false,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
        getLineColor: [29, 35, 48, 255],
      }),
      labelsLayer(labels),
    ],
    [data, labels, selected, points],
  )

  useEffect(
    () => installTestHook(() => deckRef.current?.deck, () => boxRef.current?.getBoundingClientRect() ?? null, points),
    [points],
  )

  return (
    <div className="map-canvas" ref={boxRef} data-testid="map-canvas" data-run-id={points.runId} data-points={points.n} data-labels={labels.length}>
      <DeckGL
        ref={deckRef}
        views={VIEW}
        initialViewState={initialViewState}
        controller={{ doubleClickZoom: true, inertia: false }}
        layers={layers}
        getCursor={({ isDragging, isHovering }) => (isDragging ? 'grabbing' : isHovering ? 'pointer' : 'grab')}
        onHover={(info: PickingInfo) => onHover(info.layer?.id === POINTS_LAYER_ID && info.index >= 0 ? { row: info.index, x: info.x, y: info.y } : null)}
        onClick={(info: PickingInfo) => onSelect(info.layer?.id === POINTS_LAYER_ID && info.index >= 0 ? info.index : null)}
        onAfterRender={() => {
          frames.current++
          const el = boxRef.current
          if (el) {
            el.dataset.frames = String(frames.current)
            el.dataset.rendered = 'true'
          }
        }}
      />
    </div>
  )
}
