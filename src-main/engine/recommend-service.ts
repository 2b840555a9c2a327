import type { Caller, RecommendInputSchema, Recommendation } from '../contract'
import type { z } from 'zod'
import { findCatalogModel } from '../embed'
import { EmbedMapError } from '../errors'
import { readDatasetTable, taskFingerprint } from '../jobs/evaluate-source'
import type { DatasetsRepo } from '../store/datasets-repo'
import type { EvaluationsRepo } from '../store/evaluations-repo'
import type { Db } from '../store/connection'
import { languageProfile } from './detect-language'
import type { EvaluationService } from './evaluation-service'
import type { ModelsService } from './models-service'
import { pickCandidates } from './recommend/candidates'
import { rankRuns, recommendationReason } from './recommend/reason'
import { chooseTask } from './recommend/task-shape'

/**
 * `models recommend`: the data's languages row by row, a task from its shape, candidate models by the article's logic,
 * and a ranking by the measured main metric — the evaluation runs as a job when results are missing (ask again when it
 * has finished; stored results are reused, never silently recomputed).
 */
export class RecommendService {
  constructor(
    private readonly db: Db,
    private readonly datasets: DatasetsRepo,
    private readonly models: ModelsService,
    private readonly evaluation: EvaluationService,
    private readonly runs: EvaluationsRepo,
  ) {}

  async recommend(input: z.output<typeof RecommendInputSchema>, caller: Caller): Promise<Recommendation> {
    const d = this.datasets.get(input.datasetId)
    if (!d) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${input.datasetId}.`, 'List them with `embedmap datasets`.')
    if (d.status !== 'ready') throw new EmbedMapError('CONFLICT', `Dataset ${d.id} is still importing.`, 'Ask again once its import has finished.')
    const table = readDatasetTable(this.db, d.id)
    const languages = languageProfile(table.rows.map((r) => r.cells[table.textColumn] ?? ''))
    const { spec, reason: taskReason } = chooseTask(table, input.task, input.columns)
    // Bitext data is two languages by construction: the candidates must be multilingual.
    const language = spec.kind === 'bitext' ? 'multilingual' : languages.main
    const entries = this.models.list().models
    const smallOnly = input.device === 'auto' || input.device === 'cpu'
    const picked = input.models?.length
      ? { candidates: input.models.map((modelId) => ({ modelId, why: 'named by you' })), suggestions: [] }
      : pickCandidates(entries, language, (id) => findCatalogModel(id)?.params, smallOnly)
    if (picked.candidates.length === 0)
      throw new EmbedMapError(
        'NOT_FOUND',
        'No model is present to evaluate.',
        picked.suggestions.length
          ? `Download one: ${picked.suggestions.map((s) => `\`embedmap models pull ${s.modelId}\``).join(' or ')}.`
          : 'Add a model folder with `embedmap models add DIR`.',
      )
    const ids = picked.candidates.map((c) => this.models.choose(c.modelId, caller).modelId)
    const baseline = spec.kind === 'retrieval'
    const fingerprint = await taskFingerprint(spec, table)
    const stored = this.runs.list({ task: spec.kind, dataFingerprint: fingerprint })
    const wanted = new Set([...ids, ...(baseline ? ['bm25'] : [])])
    const missing = [...wanted].filter((id) => !stored.some((r) => r.modelId === id))
    const base = { languages, task: spec, taskReason, candidates: picked.candidates, suggestions: picked.suggestions }
    if (missing.length) {
      const { jobId } = this.evaluation.start({ task: spec, models: ids, baseline, matryoshka: false, device: input.device, recompute: false }, caller)
      return { ...base, jobId, ranking: [], recommended: null, reason: null }
    }
    const ranking = rankRuns(stored.filter((r) => wanted.has(r.modelId)))
    return { ...base, jobId: null, ranking, ...recommendationReason(ranking) }
  }
}
