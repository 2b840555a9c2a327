import type { DecodedPoints } from '../../map/decode'
import { useHoverPoint, type HoverStore } from './hover-store'
import { MapTooltip } from './MapTooltip'

/** The tooltip of the hovered point: the only component that re-renders as the pointer moves over the map. */
export function HoverTooltip({
  store,
  datasetId,
  points,
  width,
  height,
}: {
  store: HoverStore
  datasetId: number
  points: DecodedPoints
  width: number
  height: number
}) {
  const hover = useHoverPoint(store)
  if (!hover) return null
  return <MapTooltip datasetId={datasetId} points={points} row={hover.row} x={hover.x} y={hover.y} width={width} height={height} />
}
