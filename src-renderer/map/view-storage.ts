import { SavedViewSchema, type SavedView } from '../../src-main/contract'

/**
 * The last view of each dataset and the last opened dataset, in localStorage: restored when the app opens again.
 * Anything that no longer parses (an older version's shape, a hand edit) is ignored, never trusted. A view is kept
 * per dataset (its look: colours, filters, style) and per dataset and run (also its position, which only means
 * something on that run's coordinates).
 */
const VIEW_KEY = (datasetId: number) => `embedmap.view.${datasetId}`
const RUN_VIEW_KEY = (datasetId: number, runId: number) => `embedmap.view.${datasetId}.run.${runId}`
const LAST_DATASET_KEY = 'embedmap.lastDataset'
const THEME_KEY = 'embedmap.theme'

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  } catch {
    return null // storage disabled by the browser
  }
}

/** The run's own last view, else the dataset's last view (whose position the caller uses only if its run matches). */
export function loadLastView(datasetId: number, runId?: number): SavedView | null {
  return (runId !== undefined ? parseView(storage()?.getItem(RUN_VIEW_KEY(datasetId, runId))) : null) ?? parseView(storage()?.getItem(VIEW_KEY(datasetId)))
}

function parseView(raw: string | null | undefined): SavedView | null {
  if (!raw) return null
  try {
    const parsed = SavedViewSchema.safeParse(JSON.parse(raw))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export function storeLastView(datasetId: number, view: SavedView): void {
  try {
    const json = JSON.stringify(view)
    storage()?.setItem(VIEW_KEY(datasetId), json)
    if (view.runId !== null) storage()?.setItem(RUN_VIEW_KEY(datasetId, view.runId), json)
  } catch {
    // quota: the view is a convenience, not data
  }
}

export function loadLastDataset(): number | null {
  const v = Number(storage()?.getItem(LAST_DATASET_KEY))
  return Number.isInteger(v) && v > 0 ? v : null
}

export function storeLastDataset(id: number | null): void {
  if (id === null) storage()?.removeItem(LAST_DATASET_KEY)
  else storage()?.setItem(LAST_DATASET_KEY, String(id))
}

export function loadTheme(): 'light' | 'dark' | null {
  const v = storage()?.getItem(THEME_KEY)
  return v === 'light' || v === 'dark' ? v : null
}

export function storeTheme(theme: 'light' | 'dark'): void {
  storage()?.setItem(THEME_KEY, theme)
}
