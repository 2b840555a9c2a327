import type { EmbeddingSet, ProviderInfoView } from '../../../src-main/contract'
import { formatDate, formatInt } from '../../ui/format'
import { isFallback, providerParts } from './provider'

/**
 * One embedding set: which model, how, how many vectors, where it ran (and why there), and what was odd; marked when
 * the map shows a run of it.
 */
export function EmbeddingSetItem({ set, modelName, rowCount, onMap = false }: { set: EmbeddingSet; modelName: string; rowCount: number; onMap?: boolean }) {
  return (
    <li
      className="embedding-set"
      data-testid="embedding-set"
      data-set-id={set.id}
      data-model-id={set.modelId}
      data-status={set.status}
      data-vector-count={set.vectorCount}
      data-on-map={onMap}
    >
      <div className="embedding-set__head">
        <strong className="embedding-set__model" title={set.modelId}>
          {modelName}
        </strong>
        <span className={`badge badge--${set.status === 'ready' ? 'ready' : 'running'}`} data-testid="embedding-set-status">
          {set.status}
        </span>
        {onMap && (
          <span className="badge badge--default" data-testid="embedding-set-on-map" title="The map shows an analysis of these vectors">
            on the map
          </span>
        )}
      </div>
      <div className="job__stats">
        <span data-testid="embedding-set-vectors">
          {formatInt(set.vectorCount)}
          {set.vectorCount !== rowCount && ` of ${formatInt(rowCount)}`} vectors
        </span>
        <span>{set.dims} dims</span>
        <span>{set.variant}</span>
        <span title={set.createdAt}>{formatDate(set.createdAt)}</span>
      </div>
      {set.provider && <ProviderLine provider={set.provider} />}
      {(set.truncatedCount > 0 || set.emptyTextCount > 0) && (
        <ul className="embedding-set__notes" data-testid="embedding-set-notes">
          {set.truncatedCount > 0 && <li>{formatInt(set.truncatedCount)} long texts were cut to the model’s input limit.</li>}
          {set.emptyTextCount > 0 && <li>{formatInt(set.emptyTextCount)} rows have an empty text (embedded as empty).</li>}
        </ul>
      )}
    </li>
  )
}

/** "Ran on CPU (fallback)": the reason is in one note above the list (fallbackNote) and in the tooltip. */
function ProviderLine({ provider }: { provider: ProviderInfoView }) {
  const { used, note } = providerParts(provider)
  const fallback = isFallback(provider)
  return (
    <p className="embedding-set__provider" data-testid="embedding-set-provider" data-used={provider.used}>
      Ran on <strong>{used}</strong>
      {/* the reason is said once above the list; here a muted mark, the full note on hover */}
      {note &&
        (fallback ? (
          <span className="muted" title={note}>
            {' '}
            (fallback)
          </span>
        ) : (
          <span className="muted"> {note}</span>
        ))}
    </p>
  )
}
