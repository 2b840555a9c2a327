import type { ReactNode } from 'react'
import type { ModelEntry } from '../../../src-main/contract'
import { formatMegabytes } from '../../ui/format'
import { languagesLabel } from './models'

/** Everything about the chosen model: what it is, how big, which languages, its licence and whether it is here. */
export function ModelDetails({ model, datasetLanguage, actions }: { model: ModelEntry; datasetLanguage: string | null; actions?: ReactNode }) {
  return (
    <div className="model-card" data-testid="model-details" data-model-id={model.id} data-downloaded={model.downloaded}>
      <div className="model-card__head">
        <strong className="model-card__name">{model.displayName}</strong>
        {model.isDefault && (
          <span className="badge badge--default" data-testid="model-default">
            default
          </span>
        )}
        {model.recommended && (
          <span className="badge badge--recommended" data-testid="model-recommended">
            recommended for this dataset{datasetLanguage ? ` (${datasetLanguage})` : ''}
          </span>
        )}
        <span className={`badge ${model.downloaded ? 'badge--ready' : 'badge--warn'}`} data-testid="model-availability">
          {model.source === 'remote'
            ? 'embedding server'
            : model.source !== 'catalog'
              ? model.downloaded
                ? model.source === 'finetuned'
                  ? 'fine-tuned here'
                  : 'local folder'
                : 'folder missing'
              : model.downloaded
                ? 'downloaded'
                : 'not downloaded'}
        </span>
      </div>
      {/* A local model's description only repeats its folder, shown below. */}
      {model.description && model.source !== 'local' && <p className="model-card__desc">{model.description}</p>}
      <dl className="facts">
        <div>
          <dt>Dimensions</dt>
          <dd data-testid="model-dims">{model.dims ?? 'unknown'}</dd>
        </div>
        {model.sizeBytes !== null && (
          <div>
            <dt>Size</dt>
            <dd data-testid="model-size">{formatMegabytes(model.sizeBytes)}</dd>
          </div>
        )}
        <div>
          <dt>Languages</dt>
          <dd title={model.languages.join(', ')}>{languagesLabel(model.languages)}</dd>
        </div>
        <div>
          <dt>Licence</dt>
          <dd>{model.license ?? 'not stated'}</dd>
        </div>
        {model.path && (
          <div>
            <dt>{model.source === 'remote' ? 'Server' : 'Folder'}</dt>
            <dd className="facts__path" title={model.path}>
              {model.path}
            </dd>
          </div>
        )}
      </dl>
      {actions && <div className="model-card__actions">{actions}</div>}
    </div>
  )
}
