import type { ImportPreview } from '../../../src-main/contract'
import { useQuery } from '../../api/hooks'

/** What the user chose for a file's precomputed embeddings: which column (null: none) and which model made them. */
export interface VectorsChoice {
  column: number | null
  /** A model id from the list, free text, or '' (not said). */
  model: string
}

const OTHER = '__other__'

/**
 * The detected vector column(s) of a file and the model that made them. A listed model makes search work (queries are
 * embedded with it); any other name is kept as a label and search stays off for those vectors.
 */
export function VectorsField({ preview, choice, onChange }: { preview: ImportPreview; choice: VectorsChoice; onChange(c: VectorsChoice): void }) {
  const models = useQuery('models.list', {}, 'import-vectors-models')
  const dims = preview.vectorColumns.find((v) => v.idx === choice.column)?.dims ?? null
  const fitting = (models.value?.models ?? []).filter((m) => dims === null || m.dims === null || m.dims === dims)
  const listed = fitting.some((m) => m.id === choice.model)
  const pick = choice.model === '' ? '' : listed ? choice.model : OTHER
  return (
    <fieldset className="field field--wide vectors-field" data-testid="preview-vectors">
      <legend className="field__label">Precomputed embeddings</legend>
      <select
        value={choice.column ?? -1}
        onChange={(e) => onChange({ ...choice, column: Number(e.target.value) < 0 ? null : Number(e.target.value) })}
        data-testid="vectors-column-select"
      >
        {preview.vectorColumns.map((v) => (
          <option key={v.idx} value={v.idx}>
            Use “{v.name}” ({v.element}
            {v.dims ? ` × ${v.dims}` : ''}) — straight to the map
          </option>
        ))}
        <option value={-1}>Don’t use them — embed the text here</option>
      </select>
      {choice.column !== null && (
        <>
          <select
            value={pick}
            onChange={(e) => onChange({ ...choice, model: e.target.value === OTHER ? ' ' : e.target.value })}
            data-testid="vectors-model-select"
            aria-label="Model that made the vectors"
          >
            <option value="">Model not known — search off</option>
            {fitting.map((m) => (
              <option key={m.id} value={m.id}>
                Made by {m.displayName}
                {m.dims ? ` (${m.dims}-d)` : ''} — search works
              </option>
            ))}
            <option value={OTHER}>Another model (name it) — search off</option>
          </select>
          {pick === OTHER && (
            <input
              type="text"
              value={choice.model.trim()}
              maxLength={200}
              placeholder="e.g. text-embedding-3-small"
              onChange={(e) => onChange({ ...choice, model: e.target.value || ' ' })}
              data-testid="vectors-model-name"
              aria-label="Name of the model that made the vectors"
            />
          )}
          <span className="field__note" data-testid="vectors-note">
            {pick !== '' && listed
              ? 'Search queries will be embedded with this model, the same way as the vectors.'
              : 'EmbedMap cannot embed a search query the way these vectors were made, so semantic search stays off for them; the map, clusters and outliers work.'}
          </span>
        </>
      )}
    </fieldset>
  )
}
