import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { LANGUAGE_COLUMN, type ChannelOutput, type Column, type ColumnFilter, type Dataset, type SavedView } from '../../../src-main/contract'
import { invoke } from '../../api/client'
import { useQuery, type QueryState } from '../../api/hooks'
import { DECK_THEMES, DEFAULT_APPEARANCE, type MapAppearance } from '../../map/appearance'
import { pointColors } from '../../map/colors'
import { categoricalColors, numericColors, numericScale, type NumericDomain } from '../../map/column-colors'
import type { DecodedPoints } from '../../map/decode'
import { countMatches, dimColors, failCounts, isActive, matchMask, passMask } from '../../map/filters'
import type { StoredPosition } from '../../map/view-restore'
import { loadLastView, loadTheme, storeLastView, storeTheme } from '../../map/view-storage'
import { useColumnValues } from './useColumnValues'

export type ColorBy = SavedView['color']

/** The language detected per row (a virtual column the engine computes): coloured, filtered and isolated like any other. */
export const LANGUAGE: Column = { idx: LANGUAGE_COLUMN, name: 'Language', type: 'text', medianLength: 0 }

export type ViewPosition = StoredPosition

/** The view saved with the dataset, as views.get answers it. */
export type SavedViewQuery = QueryState<ChannelOutput<'views.get'>>

/**
 * Everything about how the map looks, apart from what part A's panels emphasise: colour by cluster, anomaly or a
 * column; size, opacity, theme and density; filters that dim. Restores the last view (localStorage) or the view
 * saved with the dataset (engine), and remembers changes.
 * `known`: what the caller already has, so the map does not wait for a round trip after its points arrive (the
 * canvas mounts only once the saved view is known): the saved view (fetched beside the points) and the dataset.
 */
export function useMapLook(datasetId: number, points: DecodedPoints, known: { saved?: SavedViewQuery; dataset?: Dataset } = {}) {
  const ownSaved = useQuery('views.get', known.saved ? null : { datasetId }, `${datasetId}`)
  const saved = known.saved ?? ownSaved
  const fetched = useQuery('datasets.get', known.dataset ? null : { id: datasetId }, `${datasetId}`)
  const dataset = known.dataset ? { value: known.dataset, loading: false } : fetched
  const [initial, setInitial] = useState<SavedView | null | undefined>(undefined)
  const [colorBy, setColorBy] = useState<ColorBy>({ by: 'cluster' })
  const [domain, setDomain] = useState<NumericDomain>('quantile')
  const [appearance, setAppearance] = useState<MapAppearance>(() => ({ ...DEFAULT_APPEARANCE, theme: loadTheme() ?? DEFAULT_APPEARANCE.theme }))
  const [filters, setFilters] = useState<ColumnFilter[]>([])
  const position = useRef<ViewPosition | null>(null)
  const writeTimer = useRef<ReturnType<typeof setTimeout>>(undefined)

  // Once: the last local view, else the one saved with the dataset, else defaults (the map fits itself).
  useEffect(() => {
    if (initial !== undefined || saved.loading) return
    const view = loadLastView(datasetId, points.runId) ?? saved.value?.view ?? null
    // A position means something only on its own run's coordinates; the canvas still checks that it shows the data.
    const usable = view && view.runId === points.runId ? view : null
    if (view) {
      setColorBy(view.color)
      setAppearance((a) => ({ ...a, pointSize: view.pointSize, opacity: view.opacity, density: view.density, theme: loadTheme() ?? view.theme }))
      setFilters(view.filters)
    }
    if (usable) position.current = { target: usable.target, zoom: usable.zoom, bounds: usable.bounds }
    setInitial(usable)
  }, [initial, saved.loading, saved.value, datasetId, points.runId])

  const metaColumns: Column[] = useMemo(() => (dataset.value ? dataset.value.columns.filter((c) => c.idx !== dataset.value!.textColumn) : []), [dataset.value])
  const filterColumns: Column[] = useMemo(() => [...metaColumns, LANGUAGE], [metaColumns])
  const wanted = useMemo(() => [...(colorBy.by === 'column' ? [colorBy.column] : []), ...filters.map((f) => f.column)], [colorBy, filters])
  const { columns, error } = useColumnValues(datasetId, wanted)
  const colorColumn = colorBy.by === 'column' ? columns.get(colorBy.column) : undefined
  const scale = useMemo(() => (colorColumn && 'values' in colorColumn ? numericScale(colorColumn.values, domain) : null), [colorColumn, domain])

  const baseColors = useMemo(() => {
    if (colorBy.by !== 'column') return pointColors(colorBy.by, points)
    if (!colorColumn || colorColumn.header.n !== points.n) return pointColors('cluster', points) // still loading
    return 'codes' in colorColumn ? categoricalColors(colorColumn.codes, colorColumn.header.categories.length) : numericColors(colorColumn.values, scale)
  }, [colorBy, colorColumn, scale, points])

  // One pass mask per filter whose column has arrived (and fits the map); the failing counts drive dimming and histograms.
  const masks = useMemo(() => {
    const out = new Map<number, Uint8Array>()
    for (const f of filters) {
      const col = columns.get(f.column)
      if (!isActive(f) || !col || col.header.n !== points.n || (f.type === 'numeric') !== 'values' in col) continue
      out.set(f.column, passMask(f, col))
    }
    return out
  }, [filters, columns, points.n])
  const fails = useMemo(() => (masks.size ? failCounts([...masks.values()], points.n) : null), [masks, points.n])
  const match = useMemo(() => matchMask(fails), [fails])
  const matching = useMemo(() => countMatches(match, points.n), [match, points.n])
  const colors = useMemo(() => dimColors(baseColors, match, DECK_THEMES[appearance.theme].dimmed), [baseColors, match, appearance.theme])

  // Stable between renders (hover re-renders the view): a new object would rebuild every deck.gl layer.
  const shownAppearance = useMemo(
    () => ({ ...appearance, pointSize: appearance.pointSize !== null && appearance.pointSize <= 0.1 ? null : appearance.pointSize }),
    [appearance],
  )

  useEffect(() => {
    document.documentElement.dataset.theme = appearance.theme
  }, [appearance.theme])

  function currentView(): SavedView {
    const p = position.current
    return {
      version: 1,
      runId: points.runId,
      // Before the canvas reports its first view there is no position: [0, 0] at zoom 0 is judged lost on restore.
      target: p ? p.target : [0, 0],
      zoom: p ? p.zoom : 0,
      ...(p?.bounds ? { bounds: p.bounds } : {}),
      color: colorBy,
      theme: appearance.theme,
      pointSize: appearance.pointSize ?? 0.1,
      opacity: appearance.opacity,
      density: appearance.density,
      filters,
    }
  }
  // pointSize null ("automatic") is stored as the schema's minimum and read back as automatic.
  const remember = () => {
    if (initial !== undefined) storeLastView(datasetId, currentView())
  }
  useEffect(remember, [colorBy, appearance, filters, initial]) // eslint-disable-line react-hooks/exhaustive-deps
  // The latest `remember` for the stable onViewChange below (the canvas is memoised: its props must not change per render).
  const rememberRef = useRef(remember)
  rememberRef.current = remember
  const onViewChange = useCallback((p: ViewPosition) => {
    position.current = p
    // Panning changes the view every frame: write it once the map has been still for a moment.
    clearTimeout(writeTimer.current)
    writeTimer.current = setTimeout(() => rememberRef.current(), 400)
  }, [])
  const initialPosition = useMemo<StoredPosition | null>(
    () => (initial ? { target: initial.target, zoom: initial.zoom, bounds: initial.bounds } : null),
    [initial],
  )

  return {
    // Also wait for the dataset's columns: they add the filter strip above the map, and a canvas mounted before that
    // is resized right after its first frame, which redraws every point (in software WebGL, 1M points: ~0.6 s).
    ready: initial !== undefined && !dataset.loading,
    initialPosition,
    metaColumns,
    /** metaColumns and the detected language: what filters can be set on. */
    filterColumns,
    colorBy,
    setColorBy,
    domain,
    setDomain,
    appearance: shownAppearance,
    setAppearance(next: Partial<MapAppearance>) {
      if (next.theme) storeTheme(next.theme)
      setAppearance((a) => ({ ...a, ...next }))
    },
    filters,
    setFilters,
    columns,
    colorColumn,
    scale,
    masks,
    fails,
    matching,
    colors,
    error,
    /** The map moved: remembered locally once it has been still for a moment. */
    onViewChange,
    async saveWithDataset(): Promise<void> {
      await invoke('views.save', { datasetId, view: currentView() })
      saved.reload()
    },
  }
}

export type MapLook = ReturnType<typeof useMapLook>
