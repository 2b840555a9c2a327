import type { ModelEntry } from '../../../src-main/contract'
import { groupModels, modelOptionLabel } from './models'

/** The catalog and local models in one select, the ones that suit the dataset's language first. */
export function ModelPicker({
  models,
  datasetLanguage,
  value,
  onChange,
  disabled,
}: {
  models: ModelEntry[]
  datasetLanguage: string | null
  value: string | null
  onChange(id: string): void
  disabled?: boolean
}) {
  const groups = groupModels(models, datasetLanguage)
  return (
    <label className="field">
      <span className="field__label">Model</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)} disabled={disabled} data-testid="model-select">
        {groups.map((g) => (
          <optgroup key={g.key} label={g.label}>
            {g.models.map((m) => (
              <option key={m.id} value={m.id}>
                {modelOptionLabel(m)}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      {datasetLanguage && (
        <span className="field__note" data-testid="dataset-language">
          The texts look like <strong>{datasetLanguage}</strong>; the first group suits them.
        </span>
      )}
    </label>
  )
}
