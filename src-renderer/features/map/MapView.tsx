import { useRef, useState } from 'react'
import type { ColorMode } from '../../map/colors'
import type { DecodedPoints } from '../../map/decode'
import { ColorModeToggle } from './ColorModeToggle'
import { MapCanvas, type HoverPoint } from './MapCanvas'
import { MapLegend } from './MapLegend'
import { MapTooltip } from './MapTooltip'
import { PointDetails } from './PointDetails'
import { useElementSize } from './useElementSize'

/** The dataset's map: the canvas with its toolbar, legend, hover tooltip and the details of the clicked row. */
export function MapView({ datasetId, points }: { datasetId: number; points: DecodedPoints }) {
  const [mode, setMode] = useState<ColorMode>('cluster')
  const [hover, setHover] = useState<HoverPoint | null>(null)
  const [selected, setSelected] = useState<number | null>(null)
  const stageRef = useRef<HTMLDivElement>(null)
  const size = useElementSize(stageRef)

  return (
    <section className="map-view" data-testid="map-view" aria-label="Map of the rows">
      <div className="map-view__toolbar">
        <h2 className="panel__title">Map</h2>
        <span className="muted" data-testid="map-summary">
          {points.n.toLocaleString('en-US')} rows · {points.clusters.length} clusters
        </span>
        <ColorModeToggle value={mode} onChange={setMode} />
      </div>
      <div className="map-view__body">
        <div className="map-view__stage" ref={stageRef}>
          {size && (
            <MapCanvas points={points} mode={mode} width={size.width} height={size.height} selected={selected} onHover={setHover} onSelect={setSelected} />
          )}
          {hover && size && <MapTooltip datasetId={datasetId} points={points} row={hover.row} x={hover.x} y={hover.y} width={size.width} height={size.height} />}
          <MapLegend points={points} mode={mode} />
          {/* Over the map rather than beside it: resizing the canvas would move the points under the pointer. */}
          {selected !== null && <PointDetails datasetId={datasetId} points={points} row={selected} onSelect={setSelected} onClose={() => setSelected(null)} />}
        </div>
      </div>
    </section>
  )
}
