import { useId, useState, type RefObject } from 'react'
import { useQuery } from '../../api/hooks'
import { invoke } from '../../api/client'
import { toApiError, type ApiError } from '../../api/errors'
import { clusterColor, cssColor } from '../../map/colors'
import type { DecodedPoints } from '../../map/decode'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { formatInt } from '../../ui/format'
import type { ShownRun } from './shown-run'

export type SearchMode = 'semantic' | 'keyword'

export interface SearchHit {
  row: number
  text: string
  /** Cosine similarity for semantic hits; null for keyword matches. */
  score: number | null
}

export interface SearchResult {
  query: string
  mode: SearchMode
  hits: SearchHit[]
  /** Keyword matches in the whole dataset (the list shows the first KEYWORD_LIMIT). */
  total: number
}

const SEMANTIC_K = 50
const KEYWORD_LIMIT = 500

async function runSearch(datasetId: number, query: string, mode: SearchMode, setId: number | undefined): Promise<SearchResult> {
  if (mode === 'semantic') {
    // The vectors of the run on the map: the hits are then the map's own neighbours of the query.
    const r = await invoke('search.semantic', { datasetId, query, k: SEMANTIC_K, ...(setId !== undefined ? { setId } : {}) })
    return { query, mode, hits: r.hits.map((h) => ({ row: h.row, text: h.text, score: h.score })), total: r.hits.length }
  }
  const page = await invoke('datasets.rows', { id: datasetId, query, offset: 0, limit: KEYWORD_LIMIT })
  return { query, mode, hits: page.rows.map((r) => ({ row: r.idx, text: r.text, score: null })), total: page.total }
}

/**
 * Finding rows: semantic (the query is embedded with the model of the run the map shows, and searched among that
 * run's vectors) or keyword (a substring of the text). Hits are ringed on the map and listed here; clicking one opens
 * it and flies the map to it.
 */
export function SearchPanel({
  datasetId,
  points,
  run,
  result,
  onResult,
  onOpen,
  inputRef,
}: {
  datasetId: number
  points: DecodedPoints
  /** The run on the map (null until its summary has arrived: the engine's newest vectors are searched then). */
  run: ShownRun | null
  result: SearchResult | null
  onResult(r: SearchResult | null): void
  onOpen(row: number): void
  inputRef: RefObject<HTMLInputElement | null>
}) {
  const inputId = useId()
  const [query, setQuery] = useState(result?.query ?? '')
  // The map's run's vectors (else the newest ready ones, as the engine would pick); imported vectors from a model
  // it cannot run have search off.
  const sets = useQuery('embeddings.list', { datasetId }, `search-sets|${datasetId}`)
  const set = run ? sets.value?.find((s) => s.id === run.setId) : sets.value?.find((s) => s.status === 'ready')
  const meaningOff = set?.searchDisabledReason ?? null
  const models = useQuery('models.list', {}, 'search-model-names')
  const modelId = run?.modelId ?? set?.modelId
  const modelName = models.value?.models.find((m) => m.id === modelId)?.displayName ?? modelId
  const [chosenMode, setMode] = useState<SearchMode>(result?.mode ?? 'semantic')
  const mode: SearchMode = meaningOff ? 'keyword' : chosenMode
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError>()

  async function submit() {
    const q = query.trim()
    if (!q) {
      onResult(null)
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      onResult(await runSearch(datasetId, q, mode, run?.setId))
    } catch (err) {
      setError(toApiError(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="map-search" data-testid="search-panel">
      <form
        className="map-search__form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <label htmlFor={inputId} className="visually-hidden">
          Search the rows
        </label>
        <input
          id={inputId}
          ref={inputRef}
          type="search"
          value={query}
          placeholder={mode === 'semantic' ? 'Search by meaning… ( / )' : 'Search for words… ( / )'}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="search-input"
          aria-keyshortcuts="/"
        />
        <button type="submit" className="btn btn--small btn--primary" disabled={busy} data-testid="search-submit">
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      <div className="segmented" role="radiogroup" aria-label="Search mode" data-testid="search-mode" data-mode={mode}>
        {(['semantic', 'keyword'] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="radio"
            aria-checked={mode === m}
            className={`btn btn--small${mode === m ? ' btn--primary' : ''}`}
            data-testid={`search-mode-${m}`}
            disabled={m === 'semantic' && meaningOff !== null}
            title={m === 'semantic' && meaningOff ? meaningOff : undefined}
            onClick={() => setMode(m)}
          >
            {m === 'semantic' ? 'Meaning' : 'Keyword'}
          </button>
        ))}
      </div>
      {mode === 'semantic' && modelName && (
        <p className="muted map-search__note" data-testid="search-model" data-model-id={modelId}>
          Meaning as <strong>{modelName}</strong> sees it{run ? ', the model of the run on the map' : ''}.
        </p>
      )}
      {meaningOff && (
        <p className="muted map-search__note" data-testid="search-meaning-off">
          Search by meaning is off: {meaningOff}
        </p>
      )}
      {error && <ErrorMessage error={error} title="The search failed" onDismiss={() => setError(undefined)} />}
      {result && (
        <>
          <div className="map-panel__head">
            <span data-testid="search-count" data-count={result.hits.length}>
              {result.hits.length === 0
                ? 'No matches'
                : result.mode === 'keyword' && result.total > result.hits.length
                  ? `${formatInt(result.total)} matches (first ${formatInt(result.hits.length)} shown)`
                  : `${formatInt(result.hits.length)} ${result.mode === 'semantic' ? 'nearest rows' : 'matches'}`}
            </span>
            <button type="button" className="btn btn--small btn--ghost" data-testid="search-clear" onClick={() => onResult(null)}>
              Clear
            </button>
          </div>
          <ol className="map-hits" data-testid="search-hits" aria-label="Search results">
            {result.hits.map((h) => (
              <li key={h.row}>
                <button type="button" className="map-hits__item" data-testid="search-hit" data-row={h.row} onClick={() => onOpen(h.row)} title={h.text}>
                  <span className="swatch" style={{ background: cssColor(clusterColor(points.cluster[h.row])) }} />
                  <span className="map-hits__text">{h.text}</span>
                  {h.score !== null && <span className="muted map-hits__score">{h.score.toFixed(3)}</span>}
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  )
}
