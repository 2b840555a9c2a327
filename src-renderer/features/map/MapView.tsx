import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { ColumnFilter, Dataset } from '../../../src-main/contract'
import { useEngineEvent, useQuery } from '../../api/hooks'
import { useExploreMode, useExploring } from '../../app/explore-mode'
import type { Insets } from '../../map/fit'
import { isolateCategory, isolateCluster, toggleCluster } from '../../map/legend-actions'
import { EMPTY_HISTORY, record, redo, undo, type History } from '../../map/history'
import { flaggedCount, flaggedMask, flaggedRows } from '../../map/anomaly-threshold'
import type { DecodedPoints } from '../../map/decode'
import { buildEmphasis } from '../../map/emphasis'
import { matchMask } from '../../map/filters'
import { clusterMask, combineMasks, maskToRows, pointsInBox, pointsInPolygon, rowsToMask } from '../../map/selection'
import type { MapAction } from '../../map/shortcuts'
import { AnomalyPanel } from './AnomalyPanel'
import { ClusterListPanel } from './ClusterListPanel'
import { ColorModeToggle } from './ColorModeToggle'
import { HelpOverlay } from './HelpOverlay'
import { createHoverStore } from './hover-store'
import { HoverTooltip } from './HoverTooltip'
import { MapCanvas, type MapHandle } from './MapCanvas'
import { MapFilters } from './MapFilters'
import { MapLegend } from './MapLegend'
import { MapStyleControls } from './MapStyleControls'
import { useMapLook, type SavedViewQuery } from './useMapLook'
import { PointDetails } from './PointDetails'
import { RowsDock, type TableRows } from './RowsDock'
import { RunPanel } from './RunPanel'
import { SearchPanel, type SearchResult } from './SearchPanel'
import { SelectionOverlay, type SelectGesture, type SelectTool } from './SelectionOverlay'
import { SelectionPanel } from './SelectionPanel'
import type { ShownRun } from './shown-run'
import { SelectToolToggle } from './SelectToolToggle'
import { SidebarTabs, type SidebarTab } from './SidebarTabs'
import { useElementSize } from './useElementSize'
import { useMapShortcuts } from './useMapShortcuts'
import { TranslationsPanel } from './TranslationsPanel'
import { useTranslations } from './useTranslations'
import { linkAttributes, translationLayers } from '../../map/translation-layers'
import './map-panels.css'

const NO_ROWS = new Int32Array(0)

/** Overlay sizes (px), shared with map-panels.css: fits keep the data out from under them. */
const LEGEND_RESERVE = 232
const DOCK_RESERVE = 356
const TABLE_BAR_RESERVE = 44
const TABLE_SHARE = 0.42
const DETAILS_RESERVE = 336

/** What undo/redo steps through: the selection and the filters. */
interface Undoable {
  selection: Uint8Array | null
  filters: ColumnFilter[]
}

/**
 * The dataset's map: the canvas with its toolbar, legend, hover tooltip and the details of the clicked row, and a side
 * panel to search, select (lasso/box), list clusters, set the anomaly threshold and re-run the analysis. What is in
 * focus (the selection, else search hits, else flagged rows while the anomaly tab is open) is highlighted; the rest dims.
 */
export function MapView({
  datasetId,
  dataset,
  points,
  onPickRun,
  onShownRun,
  savedView,
  tab,
  onTab: setTab,
}: {
  datasetId: number
  /** The dataset, for the rows table docked under the map (absent: no table). */
  dataset?: Dataset
  points: DecodedPoints
  onPickRun?(runId: number): void
  /** Told the run shown (with its set and model) once its summary has arrived. */
  onShownRun?(run: ShownRun): void
  /** The view saved with the dataset, fetched by the caller beside the points (else fetched here). */
  savedView?: SavedViewQuery
  /** The side panel's tab, kept by the caller so that switching runs does not reset it. */
  tab: SidebarTab
  onTab(tab: SidebarTab): void
}) {
  // Colour mode, size/opacity/theme/density, filters and the saved view (useMapLook).
  const look = useMapLook(datasetId, points, { saved: savedView, dataset })
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
  useExploring()
  const explore = useExploreMode()
  const [legendOpen, setLegendOpen] = useState(true)
  const [dockOpen, setDockOpen] = useState(true)
  const [tableOpen, setTableOpen] = useState(false)
  const [helpOpen, setHelpOpen] = useState(false)
  const [history, setHistory] = useState<History<Undoable>>(EMPTY_HISTORY)
  const showTab = useCallback(
    (t: SidebarTab) => {
      setTab(t)
      setDockOpen(true)
    },
    [setTab],
  )

  // Translation links (parallel datasets): drawn over the points while shown; the hovered row's pair in bold.
  const translations = useTranslations(datasetId, points.runId, points.n, dataset)
  const linked = translations.visible ? translations.links : null
  const linkAttrs = useMemo(() => (linked ? linkAttributes(points, linked) : null), [linked, points])
  const theme = look.appearance.theme
  const overlays = useMemo(
    () => (linked && linkAttrs ? (hovered: number | null) => translationLayers(points, linked, linkAttrs, hovered, theme) : undefined),
    [linked, linkAttrs, points, theme],
  )

  const summary = useQuery('analysis.summary', { datasetId, runId: points.runId, top: 1 }, `${datasetId}:${points.runId}`)
  useEngineEvent((e) => {
    if (e.type === 'analysis.changed' && e.datasetId === datasetId) summary.reload()
  })
  // The model pickers outside the map (the Embed panel) follow the run shown here; search uses its vectors below.
  const shownRun: ShownRun | null = useMemo(
    () =>
      summary.value && summary.value.runId === points.runId
        ? { datasetId, runId: points.runId, setId: summary.value.setId, modelId: summary.value.modelId }
        : null,
    [summary.value, datasetId, points.runId],
  )
  useEffect(() => {
    if (shownRun) onShownRun?.(shownRun)
  }, [shownRun, onShownRun])
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

  // Opening a row shows its details beside the dock: the flight centres the point in what is left of the map.
  const insetsRef = useRef<Insets | null>(null)
  const open = useCallback((row: number) => {
    setSelected(row)
    const i = insetsRef.current
    mapRef.current?.flyTo(row, i ? { ...i, right: i.right + DETAILS_RESERVE } : undefined)
  }, [])

  // Undo/redo: every selection or filter change records the state before it.
  const undoableRef = useRef<Undoable>({ selection, filters: look.filters })
  undoableRef.current = { selection, filters: look.filters }
  const changeSelection = useCallback((next: Uint8Array | null | ((cur: Uint8Array | null) => Uint8Array | null)) => {
    const cur = undoableRef.current
    const value = typeof next === 'function' ? next(cur.selection) : next
    if (value === cur.selection) return
    setHistory((h) => record(h, cur))
    setSelection(value)
  }, [])
  const changeFilters = useCallback(
    (next: ColumnFilter[] | ((cur: ColumnFilter[]) => ColumnFilter[])) => {
      const cur = undoableRef.current
      setHistory((h) => record(h, cur))
      look.setFilters(typeof next === 'function' ? next(cur.filters) : next)
    },
    [look],
  )
  const undoableLook = useMemo(() => ({ ...look, setFilters: changeFilters }), [look, changeFilters])
  function step(dir: 'undo' | 'redo') {
    const r = (dir === 'undo' ? undo : redo)(history, undoableRef.current)
    if (!r) return
    setHistory(r.history)
    setSelection(r.value.selection)
    look.setFilters(r.value.filters)
  }

  // The table lists what the map has in focus: the selection, else the filter matches, else search hits, else all.
  const filterRows = useMemo(() => (look.filters.length && look.fails ? maskToRows(matchMask(look.fails)!) : null), [look.filters.length, look.fails])
  const table: TableRows = useMemo(
    () =>
      selectionRows.length
        ? { source: 'selection', rows: selectionRows }
        : filterRows
          ? { source: 'filter', rows: filterRows }
          : hitRows.length
            ? { source: 'search', rows: hitRows }
            : { source: 'all', rows: null },
    [selectionRows, filterRows, hitRows],
  )
  const openFromTable = useCallback((row: number) => open(row), [open])

  // Overlays over the canvas: a fit keeps the data out from under them (the canvas itself never resizes for them).
  const insets: Insets = useMemo(
    () => ({
      top: 0,
      left: legendOpen ? LEGEND_RESERVE : 0,
      right: dockOpen ? DOCK_RESERVE : 0,
      bottom: dataset ? (tableOpen && size ? size.height * TABLE_SHARE + 16 : TABLE_BAR_RESERVE) : 0,
    }),
    [legendOpen, dockOpen, tableOpen, size, dataset],
  )
  insetsRef.current = insets

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
    changeSelection((cur) => combineMasks(cur, next, g.op))
    showTab('selection')
  }

  const clearAll = useCallback(() => {
    setTool('pan')
    changeSelection(null)
    setSearch(null)
    setSelected(null)
    setHelpOpen(false)
  }, [changeSelection])

  useMapShortcuts((action: MapAction) => {
    if (action === 'focus-search') {
      showTab('search')
      requestAnimationFrame(() => searchRef.current?.focus())
    } else if (action === 'clear') clearAll()
    else if (action === 'lasso' || action === 'box' || action === 'pan') setTool(action)
    else if (action === 'select-all') {
      changeSelection(new Uint8Array(points.n).fill(1))
      showTab('selection')
    } else if (action === 'toggle-clusters') showTab('clusters')
    else if (action === 'toggle-anomalies') showTab('anomalies')
    else if (action === 'fit') mapRef.current?.fit()
    else if (action === 'undo' || action === 'redo') step(action)
    else if (action === 'help') setHelpOpen((o) => !o)
    else if (action === 'toggle-fullscreen') explore.setFullscreen(!explore.fullscreen)
  })

  return (
    <section
      className={`map-view${explore.fullscreen ? ' map-view--fullscreen' : ''}`}
      data-testid="map-view"
      data-dataset-id={datasetId}
      aria-label="Map of the rows"
      data-focus={focusKind}
      data-focus-count={focusCount}
      data-hidden-clusters={hidden.size}
      data-can-undo={history.past.length > 0}
      data-can-redo={history.future.length > 0}
      data-translations={linked ? linked.header.pairs : 0}
    >
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
        <span className="map-view__toolbar-end">
          <button
            type="button"
            className="btn btn--small"
            data-testid="map-undo"
            disabled={!history.past.length}
            title="Undo a selection or filter change (Ctrl+Z)"
            onClick={() => step('undo')}
          >
            Undo
          </button>
          <button
            type="button"
            className="btn btn--small"
            data-testid="map-redo"
            disabled={!history.future.length}
            title="Redo (Ctrl+Shift+Z)"
            onClick={() => step('redo')}
          >
            Redo
          </button>
          <button
            type="button"
            className={`btn btn--small${explore.fullscreen ? ' is-active' : ''}`}
            data-testid="map-fullscreen"
            aria-pressed={explore.fullscreen}
            title="Map only: hide the header (M)"
            onClick={() => explore.setFullscreen(!explore.fullscreen)}
          >
            {explore.fullscreen ? 'Exit full screen' : 'Full screen'}
          </button>
          <button
            type="button"
            className="btn btn--small"
            data-testid="map-help-toggle"
            title="Keyboard shortcuts (?)"
            aria-expanded={helpOpen}
            onClick={() => setHelpOpen((o) => !o)}
          >
            ?
          </button>
        </span>
      </div>
      <MapFilters look={undoableLook} n={points.n} />
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
              insets={insets}
              hiddenClusters={hidden}
              onViewChange={look.onViewChange}
              overlays={overlays}
            />
          )}
          {tool !== 'pan' && <SelectionOverlay tool={tool} onGesture={applyGesture} />}
          {size && tool === 'pan' && <HoverTooltip store={hoverStore} datasetId={datasetId} points={points} width={size.width} height={size.height} />}
          <div className={`map-legend-box${legendOpen ? ' is-open' : ''}`}>
            <button
              type="button"
              className="map-legend-box__toggle"
              data-testid="map-legend-toggle"
              aria-expanded={legendOpen}
              onClick={() => setLegendOpen((o) => !o)}
            >
              {legendOpen ? '◂ Legend' : 'Legend ▸'}
            </button>
            {legendOpen && (
              <MapLegend
                points={points}
                mode={look.colorBy.by}
                column={look.colorColumn}
                scale={look.scale}
                error={look.error?.message}
                hidden={hidden}
                onCluster={(idx, only) =>
                  setHidden((h) =>
                    only
                      ? isolateCluster(
                          points.clusters.map((c) => c.idx),
                          h,
                          idx,
                        )
                      : toggleCluster(h, idx),
                  )
                }
                onCategory={(value) =>
                  look.colorBy.by === 'column' && changeFilters((fs) => isolateCategory(fs, look.colorBy.by === 'column' ? look.colorBy.column : -1, value))
                }
              />
            )}
          </div>
          {/* Over the map rather than beside it: resizing the canvas would move the points under the pointer. */}
          {selected !== null && (
            <div className={`map-details-box${dockOpen ? ' beside-dock' : ''}${dataset && tableOpen ? ' above-table' : ''}`}>
              <PointDetails datasetId={datasetId} points={points} row={selected} onSelect={open} onClose={() => setSelected(null)} />
            </div>
          )}
          <aside className={`map-side${dockOpen ? ' is-open' : ''}${dataset && tableOpen ? ' above-table' : ''}`} aria-label="Map tools" data-testid="map-dock">
            <div className="map-side__head">
              <SidebarTabs
                value={tab}
                onChange={showTab}
                badges={{
                  selection: selectionRows.length ? selectionRows.length.toLocaleString('en-US') : undefined,
                  search: search ? String(search.hits.length) : undefined,
                }}
              />
              <button
                type="button"
                className="map-side__toggle"
                data-testid="map-dock-toggle"
                aria-expanded={dockOpen}
                title={dockOpen ? 'Fold the panel' : 'Open the panel'}
                onClick={() => setDockOpen((o) => !o)}
              >
                {dockOpen ? '▸' : '◂ Panels'}
              </button>
            </div>
            {dockOpen && (
              <div className="map-side__panel" role="tabpanel" id={`map-tabpanel-${tab}`} aria-labelledby={`map-tab-${tab}`}>
                {tab === 'search' && (
                  <SearchPanel datasetId={datasetId} points={points} run={shownRun} result={search} onResult={setSearch} onOpen={open} inputRef={searchRef} />
                )}
                {tab === 'selection' && (
                  <SelectionPanel
                    datasetId={datasetId}
                    points={points}
                    rows={selectionRows}
                    clusterName={clusterName}
                    onOpen={open}
                    onClear={() => changeSelection(null)}
                  />
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
                      changeSelection(clusterMask(points.cluster, idx))
                      showTab('selection')
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
                    onOpen={open}
                  />
                )}
                {tab === 'translations' && <TranslationsPanel t={translations} />}
                {tab === 'run' && <RunPanel datasetId={datasetId} summary={summary.value} runId={points.runId} onPickRun={(id) => onPickRun?.(id)} />}
              </div>
            )}
          </aside>
          {dataset && <RowsDock dataset={dataset} table={table} openRow={selected} onOpen={openFromTable} expanded={tableOpen} onExpanded={setTableOpen} />}
          {helpOpen && <HelpOverlay onClose={() => setHelpOpen(false)} />}
        </div>
      </div>
    </section>
  )
}
