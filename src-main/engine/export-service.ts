import fs from 'node:fs'
import path from 'node:path'
import type { z } from 'zod'
import type { Caller, ExportStartSchema } from '../contract'
import type { FileAccess } from './file-access'
import { EmbedMapError } from '../errors'
import type { ExportParams } from '../jobs/export-job'
import type { JobRunner } from '../jobs/runner'
import { createJob } from '../jobs/registry'
import type { AnalysisRepo } from '../store/analysis-repo'
import type { DatasetsRepo } from '../store/datasets-repo'
import type { JobsRepo } from '../store/jobs-repo'

/** Starts export jobs; relative destinations go to the workspace's exports folder. */
export class ExportService {
  constructor(
    private readonly exportsDir: string,
    private readonly files: FileAccess,
    private readonly datasets: DatasetsRepo,
    private readonly analysis: AnalysisRepo,
    private readonly jobs: JobsRepo,
    private readonly runner: JobRunner,
  ) {}

  start(input: z.output<typeof ExportStartSchema>, caller: Caller): { jobId: number; out: string } {
    if (!this.datasets.get(input.datasetId))
      throw new EmbedMapError('NOT_FOUND', `There is no dataset ${input.datasetId}.`, 'List datasets with `embedmap datasets`.')
    if (input.what === 'selection' && !input.rows?.length && !input.ranges?.length && !input.bitmap)
      throw new EmbedMapError('BAD_INPUT', 'An export of a selection needs the selected rows.')
    if (input.vectors && input.format !== 'parquet')
      throw new EmbedMapError('BAD_INPUT', 'Vectors can only be exported to Parquet.', 'Use --format parquet with --vectors.')
    const run = input.runId !== undefined ? this.analysis.run(input.runId) : this.analysis.latestReady(input.datasetId)
    const out = this.files.writable(input.out, caller, input.overwrite)
    // The exports folder is ours: create it on first use (a path the user gave elsewhere must already exist).
    if (path.dirname(out) === path.resolve(this.exportsDir)) fs.mkdirSync(this.exportsDir, { recursive: true })
    const params: ExportParams = {
      datasetId: input.datasetId,
      runId: run?.id ?? null,
      what: input.what,
      rows: input.rows,
      ranges: input.ranges,
      bitmap: input.bitmap,
      format: input.format,
      out,
      formulaGuard: input.formulaGuard,
      bom: input.bom,
      vectors: input.vectors,
    }
    const lockKey = `export:${out}`
    if (this.jobs.findLiveByLock(lockKey))
      throw new EmbedMapError('CONFLICT', `${out} is already being written by another export.`, 'Wait for it, or choose another file name.')
    const job = createJob(this.jobs, { kind: 'export', datasetId: input.datasetId, params, lockKey })
    this.runner.enqueue(job.id)
    return { jobId: job.id, out }
  }
}
