import { useCallback, useMemo, useRef, useState } from 'react'
import { useEngineEvent, useQuery } from '../../api/hooks'
import { flaggedCount, flaggedMask, flaggedRows } from '../../map/anomaly-threshold'
import type { DecodedPoints } from '../../map/decode'
import { buildEmphasis } from '../../map/emphasis'
import { clusterMask, combineMasks, maskToRows, pointsInBox, pointsInPolygon, rowsToMask } from '../../map/selection'
import { SHORTCUT_HELP, type MapAction } from '../../map/shortcuts'
import { AnomalyPanel } from './AnomalyPanel'
import { ClusterListPanel } from './ClusterListPanel'
import { ColorModeToggle } from './ColorModeToggle'
import { createHoverStore } from './hover-store'
import { HoverTooltip } from './HoverTooltip'
import { MapCanvas, type MapHandle } from './MapCanvas'
import { MapFilters } from './MapFilters'
import { MapLegend } from './MapLegend'
import { MapStyleControls } from './MapStyleControls'
import { useMapLook } from './useMapLook'
import { PointDetails } from './PointDetails'
import { RunPanel } from './RunPanel'
import { SearchPanel, type SearchResult } from './SearchPanel'
import { SelectionOverlay, type SelectGesture, type SelectTool } from './SelectionOverlay'
import { SelectionPanel } from './SelectionPanel'
import { SelectToolToggle } from './SelectToolToggle'
import { SidebarTabs, type SidebarTab } from './SidebarTabs'
import { useElementSize } from './useElementSize'
import { useMapShortcuts } from './useMapShortcuts'
import './map-panels.css'

const NO_ROWS = new Int32Array(0)

/**
 * The dataset's map: the canvas with its toolbar, legend, hover tooltip and the details of the clicked row, and a side
 * panel to search, select (lasso/box), list clusters, set the anomaly threshold and re-run the analysis. What is in
 * focus (the selection, else search hits, else flagged rows while the anomaly tab is open) is highlighted; the rest dims.
 */
export function MapView({
  datasetId,
  points,
  onPickRun,
  tab,
  onTab: setTab,
}: {
  datasetId: number
  points: DecodedPoints
  onPickRun?(runId: number): void
  /** The side panel's tab, kept by the caller so that switching runs does not reset it. */
  tab: SidebarTab
  onTab(tab: SidebarTab): void
}) {
  // Colour mode, size/opacity/theme/density, filters and the saved view (useMapLook).
  const look = useMapLook(datasetId, points)
  const mode = look.colorBy.by === 'anomaly' ? 'anomaly' : 'cluster'
  // Hover lives outside this component's state: moving the pointer must not re-render the view and its panels.
  const hoverStore = useMemo(createHoverStore, [])
  const [selected, setSelected] = useState<number | null>(null)
  const [tool, setTool] = useState<SelectTool>('pan')
  const [selection, setSelection] = useState<Uint8Array | null>(null)
  const [search, setSearch] = useState<SearchResult | null>(null)
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set())
  const [threshold, setThreshold] = useState<number | null>(null)
  const stageRef = useRef<HTMLDivElement>(null)
  const mapRef = useRef<MapHandle>(null)
  const searchRef = useRef<HTMLInputElement>(null)
  const size = useElementSize(stageRef)

  const summary = useQuery('analysis.summary', { datasetId, runId: points.runId, top: 1 }, `${datasetId}:${points.runId}`)
  useEngineEvent((e) => {
    if (e.type === 'analysis.changed' && e.datasetId === datasetId) summary.reload()
  })
  const clusterName = useCallback(
    (idx: number) => {
      const s = summary.value?.clusters.find((c) => c.idx === idx)
      return s?.name ?? s?.label ?? points.clusters.find((c) => c.idx === idx)?.label ?? `cluster ${idx}`
    },
    [summary.value, points],
  )

  // The anomaly threshold starts where the analysis cut, and the flagged set follows the slider live.
  const cut = threshold ?? summary.value?.anomalies.threshold ?? 1
  const flagged = useMemo(() => flaggedCount(points.anomaly, cut), [points, cut])
  const selectionRows = useMemo(() => (selection ? maskToRows(selection) : NO_ROWS), [selection])
  const hitRows = useMemo(() => (search ? Int32Array.from(search.hits, (h) => h.row) : NO_ROWS), [search])
  const focus = useMemo(() => {
    if (selectionRows.length) return selection
    if (hitRows.length) return rowsToMask(hitRows, points.n)
    if (tab === 'anomalies') return flaggedMask(points.anomaly, cut)
    return null
  }, [selection, selectionRows, hitRows, tab, points, cut])
  const emphasis = useMemo(() => buildEmphasis(points.cluster, focus, hidden), [points, focus, hidden])
  // What is highlighted, for tests and assistive summaries: which set, and how many of its points.
  const focusKind = selectionRows.length ? 'selection' : hitRows.length ? 'search' : focus ? 'anomalies' : 'none'
  const focusCount = selectionRows.length || hitRows.length || (focus ? flagged : 0)

  const open = useCallback((row: number) => {
    setSelected(row)
    mapRef.current?.flyTo(row)
  }, [])

  function applyGesture(g: SelectGesture) {
    const map = mapRef.current
    if (!map) return
    let next: Uint8Array
    if (g.kind === 'box') {
      const a = map.unproject(g.x0, g.y0)
      const b = map.unproject(g.x1, g.y1)
      if (!a || !b) return
      next = pointsInBox(points.coords, a[0], a[1], b[0], b[1])
    } else {
      const polygon = new Float64Array(g.path.length)
      for (let i = 0; i < g.path.length; i += 2) {
        const p = map.unproject(g.path[i], g.path[i + 1])
        if (!p) return
        polygon[i] = p[0]
        polygon[i + 1] = p[1]
      }
      next = pointsInPolygon(points.coords, polygon)
    }
    // Points of hidden clusters are not on the map, so a drag over them does not select them.
    if (hidden.size) for (let i = 0; i < next.length; i++) if (next[i] && hidden.has(points.cluster[i])) next[i] = 0
    setSelection((cur) => combineMasks(cur, next, g.op))
    setTab('selection')
  }

  const clearAll = useCallback(() => {
    setTool('pan')
    setSelection(null)
    setSearch(null)
    setSelected(null)
  }, [])

  useMapShortcuts((action: MapAction) => {
    if (action === 'focus-search') {
      setTab('search')
      requestAnimationFrame(() => searchRef.current?.focus())
    } else if (action === 'clear') clearAll()
    else if (action === 'lasso' || action === 'box' || action === 'pan') setTool(action)
    else if (action === 'select-all') {
      setSelection(new Uint8Array(points.n).fill(1))
      setTab('selection')
    } else if (action === 'toggle-clusters') setTab('clusters')
    else if (action === 'toggle-anomalies') setTab('anomalies')
    else if (action === 'fit') mapRef.current?.fit()
  })

  return (
    <section className="map-view" data-testid="map-view" data-dataset-id={datasetId} aria-label="Map of the rows" data-focus={focusKind} data-focus-count={focusCount} data-hidden-clusters={hidden.size}>
      <div className="map-view__toolbar">
        <h2 className="panel__title">Map</h2>
        <span className="muted" data-testid="map-summary">
          {points.n.toLocaleString('en-US')} rows · {points.clusters.length} clusters
        </span>
        <SelectToolToggle value={tool} onChange={setTool} />
        <button type="button" className="btn btn--small" data-testid="map-fit" title="Show all the data (F, 0 or Home)" onClick={() => mapRef.current?.fit()}>
          Fit
        </button>
        <ColorModeToggle value={look.colorBy} onChange={look.setColorBy} columns={look.metaColumns} domain={look.domain} onDomain={look.setDomain} />
        <MapStyleControls look={look} n={points.n} />
      </div>
      <MapFilters look={look} n={points.n} />
      <div className="map-view__body">
        <div className="map-view__stage" ref={stageRef}>
          {size && look.ready && (
            <MapCanvas
              points={points}
              mode={mode}
              width={size.width}
              height={size.height}
              selected={selected}
              onHover={hoverStore.set}
              onSelect={setSelected}
              emphasis={emphasis}
              rings={hitRows.length ? hitRows : null}
              handleRef={mapRef}
              colors={look.colors}
              appearance={look.appearance}
              initialPosition={look.initialPosition}
              onViewChange={look.onViewChange}
            />
          )}
          {tool !== 'pan' && <SelectionOverlay tool={tool} onGesture={applyGesture} />}
          {size && tool === 'pan' && <HoverTooltip store={hoverStore} datasetId={datasetId} points={points} width={size.width} height={size.height} />}
          <MapLegend points={points} mode={look.colorBy.by} column={look.colorColumn} scale={look.scale} error={look.error?.message} />
          {/* Over the map rather than beside it: resizing the canvas would move the points under the pointer. */}
          {selected !== null && <PointDetails datasetId={datasetId} points={points} row={selected} onSelect={open} onClose={() => setSelected(null)} />}
        </div>
        <aside className="map-side" aria-label="Map tools">
          <SidebarTabs
            value={tab}
            onChange={setTab}
            badges={{ selection: selectionRows.length ? selectionRows.length.toLocaleString('en-US') : undefined, search: search ? String(search.hits.length) : undefined }}
          />
          <div className="map-side__panel" role="tabpanel" id={`map-tabpanel-${tab}`} aria-labelledby={`map-tab-${tab}`}>
            {tab === 'search' && <SearchPanel datasetId={datasetId} points={points} result={search} onResult={setSearch} onOpen={open} inputRef={searchRef} />}
            {tab === 'selection' && (
              <SelectionPanel datasetId={datasetId} points={points} rows={selectionRows} clusterName={clusterName} onOpen={open} onClear={() => setSelection(null)} />
            )}
            {tab === 'clusters' && (
              <ClusterListPanel
                points={points}
                summary={summary.value}
                hidden={hidden}
                onToggleHidden={(idx) =>
                  setHidden((h) => {
                    const next = new Set(h)
                    if (!next.delete(idx)) next.add(idx)
                    return next
                  })
                }
                onSelectCluster={(idx) => {
                  setSelection(clusterMask(points.cluster, idx))
                  setTab('selection')
                }}
              />
            )}
            {tab === 'anomalies' && (
              <AnomalyPanel
                datasetId={datasetId}
                runId={points.runId}
                scores={points.anomaly}
                threshold={cut}
                flagged={flagged}
                method={summary.value?.anomalies.method}
                onThreshold={setThreshold}
                flaggedRows={() => flaggedRows(points.anomaly, cut)}
              />
            )}
            {tab === 'run' && <RunPanel datasetId={datasetId} summary={summary.value} runId={points.runId} onPickRun={(id) => onPickRun?.(id)} />}
          </div>
          <p className="map-side__keys muted" aria-label="Keyboard shortcuts">
            {SHORTCUT_HELP.map((s) => (
              <span key={s.keys}>
                <kbd>{s.keys}</kbd> {s.does}
              </span>
            ))}
          </p>
        </aside>
      </div>
    </section>
  )
}
