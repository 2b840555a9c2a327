import type { Caller, EvalTaskSpec, EvaluationRun } from '../contract'
import type { z } from 'zod'
import type { EvalStartSchema } from '../contract'
import { EmbedMapError } from '../errors'
import type { JobRunner } from '../jobs/runner'
import type { DatasetsRepo } from '../store/datasets-repo'
import type { EvaluationsRepo } from '../store/evaluations-repo'
import type { FileAccess } from './file-access'
import { remoteNotHere, type ModelsService } from './models-service'

/** Starts evaluation jobs (files checked by the door's file rules, models resolved) and reads stored results. */
export class EvaluationService {
  constructor(
    private readonly repo: EvaluationsRepo,
    private readonly runner: JobRunner,
    private readonly models: ModelsService,
    private readonly files: FileAccess,
    private readonly datasets: DatasetsRepo,
  ) {}

  start(input: z.output<typeof EvalStartSchema>, caller: Caller): { jobId: number } {
    const task = this.resolveFiles(input.task, caller)
    const wanted = input.models.length ? [...new Set(input.models)] : [undefined]
    const models = wanted.map((m) => {
      const c = this.models.choose(m, caller)
      if (c.remote) throw remoteNotHere(c.modelId, 'evaluation')
      return { modelId: c.modelId, label: c.modelId, location: c.location }
    })
    if (!input.baseline && models.length === 0) throw new EmbedMapError('BAD_INPUT', 'Nothing to evaluate.', 'Name a model with --model, or keep the baseline.')
    const params = {
      task,
      models,
      baseline: input.baseline,
      matryoshka: input.matryoshka,
      device: input.device,
      variant: input.variant,
      recompute: input.recompute,
    }
    return this.runner.startOrJoin({ kind: 'evaluate', datasetId: task.dataset ?? null, params, lockKey: `evaluate:${JSON.stringify(params)}` })
  }

  get(id: number): EvaluationRun {
    const run = this.repo.get(id)
    if (!run) throw new EmbedMapError('NOT_FOUND', `There is no evaluation result ${id}.`, 'List them with `embedmap eval list`.')
    return run
  }

  list(filter: { ids?: number[]; task?: string; dataFingerprint?: string }): EvaluationRun[] {
    return this.repo.list(filter)
  }

  /** Every file of the task through the same rules as an import: uploads or dialog grants from the app. */
  private resolveFiles(t: EvalTaskSpec, caller: Caller): EvalTaskSpec {
    const f = (p: string | undefined) => (p === undefined ? undefined : this.files.readable(p, caller))
    if (t.dataset !== undefined) {
      const d = this.datasets.get(t.dataset)
      if (!d) throw new EmbedMapError('NOT_FOUND', `There is no dataset ${t.dataset}.`, 'List them with `embedmap datasets`.')
      if (d.status !== 'ready') throw new EmbedMapError('CONFLICT', `Dataset ${t.dataset} is still importing.`, 'Evaluate once its import has finished.')
    }
    switch (t.kind) {
      case 'retrieval':
        return { ...t, queries: f(t.queries), corpus: f(t.corpus), qrels: f(t.qrels) }
      case 'classification':
        return { ...t, file: f(t.file), test: f(t.test) }
      default:
        return { ...t, file: f(t.file) }
    }
  }
}
