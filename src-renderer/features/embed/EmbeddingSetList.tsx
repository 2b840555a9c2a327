import type { EmbeddingSet, ModelEntry } from '../../../src-main/contract'
import type { ApiError } from '../../api/errors'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { EmbeddingSetItem } from './EmbeddingSetItem'
import { fallbackNote } from './provider'

export function EmbeddingSetList({
  sets,
  error,
  models,
  rowCount,
  mapSetId = null,
}: {
  sets: EmbeddingSet[] | undefined
  error: ApiError | undefined
  models: ModelEntry[]
  rowCount: number
  /** The set behind the map's run, marked in the list. */
  mapSetId?: number | null
}) {
  const note = fallbackNote((sets ?? []).map((s) => s.provider))
  const nameOf = (id: string) => models.find((m) => m.id === id)?.displayName ?? id
  return (
    <div className="embedding-sets" data-testid="embedding-sets">
      <h3 className="section-title">Embeddings of this dataset</h3>
      {error && <ErrorMessage error={error} title="Could not load the embeddings" />}
      {note && (
        <p className="muted" data-testid="embedding-provider-note">
          {note}
        </p>
      )}
      {sets?.length === 0 && <p className="muted">None yet: choose a model and embed.</p>}
      {sets && sets.length > 0 && (
        <ul className="embedding-set-list">
          {[...sets]
            .sort((a, b) => b.id - a.id)
            .map((s) => (
              <EmbeddingSetItem key={s.id} set={s} modelName={nameOf(s.modelId)} rowCount={rowCount} onMap={s.id === mapSetId} />
            ))}
        </ul>
      )}
    </div>
  )
}
