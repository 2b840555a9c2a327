import type { ModelEntry } from '../../../src-main/contract'
import { formatMegabytes } from '../../ui/format'

export interface ModelGroup {
  key: 'recommended' | 'catalog' | 'local' | 'finetuned' | 'remote'
  label: string
  models: ModelEntry[]
}

/** Default first, then what is already on disk, then the engine's order (the catalog's own order). */
function byPreference(models: ModelEntry[]): ModelEntry[] {
  return models
    .map((m, i) => ({ m, i }))
    .sort((a, b) => Number(b.m.isDefault) - Number(a.m.isDefault) || Number(b.m.downloaded) - Number(a.m.downloaded) || a.i - b.i)
    .map((x) => x.m)
}

/**
 * The picker's groups: models that suit the dataset's language first, then the rest of the catalog, then the
 * user's local folders, then the models fine-tuned in this workspace. Empty groups are left out.
 */
export function groupModels(all: ModelEntry[], datasetLanguage: string | null): ModelGroup[] {
  const models = distinctModels(all)
  const recommended = models.filter((m) => m.recommended)
  const groups: ModelGroup[] = [
    { key: 'recommended', label: `Recommended for this dataset${datasetLanguage ? ` (${datasetLanguage})` : ''}`, models: byPreference(recommended) },
    {
      key: 'catalog',
      label: recommended.length ? 'Other catalog models' : 'Catalog models',
      models: byPreference(models.filter((m) => !m.recommended && m.source === 'catalog')),
    },
    { key: 'local', label: 'Local folders', models: byPreference(models.filter((m) => !m.recommended && m.source === 'local')) },
    { key: 'finetuned', label: 'Fine-tuned here', models: byPreference(models.filter((m) => !m.recommended && m.source === 'finetuned')) },
    { key: 'remote', label: 'Embedding servers', models: models.filter((m) => !m.recommended && m.source === 'remote') },
  ]
  return groups.filter((g) => g.models.length > 0)
}

/**
 * Each model once: a local folder registered at the same place as a catalog model (the catalog's own download
 * added again as a folder) is that catalog model, and a repeated id is listed once.
 */
export function distinctModels(models: ModelEntry[]): ModelEntry[] {
  const catalogPaths = new Set(models.filter((m) => m.source === 'catalog' && m.path).map((m) => normalPath(m.path!)))
  const seen = new Set<string>()
  return models.filter((m) => {
    if (seen.has(m.id)) return false
    seen.add(m.id)
    return !(m.source === 'local' && m.path && catalogPaths.has(normalPath(m.path)))
  })
}

function normalPath(p: string): string {
  return p.replace(/[\\/]+$/, '').replace(/\\/g, '/')
}

/**
 * The model to preselect: one that suits the dataset and is ready to use; otherwise, when the dataset's language is
 * unknown, whatever is ready (the default first); otherwise the best suited one (it may need a download); otherwise
 * the catalog default.
 */
export function initialModelId(models: ModelEntry[], datasetLanguage: string | null): string | null {
  const ordered = groupModels(models, datasetLanguage).flatMap((g) => g.models)
  const pick =
    ordered.find((m) => m.recommended && m.downloaded) ??
    (datasetLanguage === null ? ordered.find((m) => m.downloaded) : undefined) ??
    ordered.find((m) => m.recommended) ??
    ordered.find((m) => m.isDefault) ??
    ordered[0]
  return pick?.id ?? null
}

/**
 * The picker's entry for a model id: itself when listed, or the catalog model a local folder at the catalog model's
 * own path was folded into (distinctModels); null when the list does not have it.
 */
export function listedModelId(models: ModelEntry[], id: string): string | null {
  const listed = distinctModels(models)
  if (listed.some((m) => m.id === id)) return id
  const folder = models.find((m) => m.id === id && m.source === 'local' && m.path)
  const catalog = folder && listed.find((m) => m.source === 'catalog' && m.path && normalPath(m.path) === normalPath(folder.path!))
  return catalog ? catalog.id : null
}

/** The user's pick in the model picker, and the model the picker was following when it was made. */
export interface ModelChoice {
  id: string
  over: string | null
}

/**
 * The model the picker shows. `followed`: the model of the run the map shows. The user's own choice wins while the
 * map stays on a run of the model it was made over; when the map switches to a run of another model, the picker
 * follows that model (the user is now looking at its vectors). Without a run to follow: the preselection.
 */
export function pickerModelId(models: ModelEntry[], datasetLanguage: string | null, choice: ModelChoice | null, followed: string | null): string | null {
  const follow = followed !== null ? listedModelId(models, followed) : null
  if (choice && choice.over === follow && models.some((m) => m.id === choice.id)) return choice.id
  return follow ?? initialModelId(models, datasetLanguage)
}

/** One line for the <option>: "BGE small Chinese v1.5 — 512 dims · 95 MB · not downloaded · default". */
export function modelOptionLabel(m: ModelEntry): string {
  const parts = [m.dims ? `${m.dims} dims` : null, m.sizeBytes ? formatMegabytes(m.sizeBytes) : null]
  if (m.source === 'local') parts.push(m.downloaded ? 'local folder' : 'folder missing')
  else if (m.source === 'finetuned') parts.push(m.downloaded ? 'fine-tuned' : 'folder missing')
  else if (m.source === 'remote') parts.push('embedding server')
  else parts.push(m.downloaded ? 'downloaded' : 'not downloaded')
  if (m.isDefault) parts.push('default')
  return `${m.displayName} — ${parts.filter(Boolean).join(' · ')}`
}

/** "multilingual, zh, en, ja +6" — the first few, then how many more. */
export function languagesLabel(languages: string[], max = 4): string {
  if (languages.length === 0) return 'unknown'
  const shown = languages.slice(0, max).join(', ')
  return languages.length > max ? `${shown} +${languages.length - max}` : shown
}

/** Whether embedding with this model needs a download first (only catalog models are downloaded). */
export function needsDownload(m: ModelEntry): boolean {
  return m.source === 'catalog' && !m.downloaded
}
