import type { FinetuneRun } from '../contract'
import type { Db } from './connection'

interface RawRun {
  id: number
  job_id: number | null
  name: string | null
  method: FinetuneRun['method']
  base_model_id: string
  base_version: string
  dataset_id: number | null
  data_source: string
  data_fingerprint: string
  split: string
  hyperparams: string
  device: string
  steps: string
  evaluations: string
  before_metrics: string | null
  after_metrics: string | null
  status: FinetuneRun['status']
  output_model_id: string | null
  output_dir: string | null
  error: string | null
  duration_ms: number | null
  created_at: string
  finished_at: string | null
}

function fromRaw(r: RawRun): FinetuneRun {
  return {
    id: r.id,
    jobId: r.job_id,
    name: r.name,
    method: r.method,
    baseModelId: r.base_model_id,
    baseVersion: r.base_version,
    datasetId: r.dataset_id,
    dataSource: JSON.parse(r.data_source),
    dataFingerprint: r.data_fingerprint,
    split: JSON.parse(r.split),
    hyperparams: JSON.parse(r.hyperparams),
    device: r.device,
    steps: JSON.parse(r.steps),
    evaluations: JSON.parse(r.evaluations),
    before: r.before_metrics === null ? null : JSON.parse(r.before_metrics),
    after: r.after_metrics === null ? null : JSON.parse(r.after_metrics),
    status: r.status,
    outputModelId: r.output_model_id,
    outputDir: r.output_dir,
    error: r.error,
    durationMs: r.duration_ms,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  }
}

export interface NewFinetuneRun {
  jobId: number
  name: string | null
  method: FinetuneRun['method']
  baseModelId: string
  datasetId: number | null
  dataSource: FinetuneRun['dataSource']
  hyperparams: Record<string, unknown>
  device: string
}

const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`

/** Fine-tuning run records (see migration 6). */
export class FinetuneRunsRepo {
  constructor(private readonly db: Db) {}

  create(r: NewFinetuneRun): number {
    const info = this.db
      .prepare(
        `INSERT INTO finetune_runs (job_id, name, method, base_model_id, dataset_id, data_source, hyperparams, device, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running')`,
      )
      .run(r.jobId, r.name, r.method, r.baseModelId, r.datasetId, JSON.stringify(r.dataSource), JSON.stringify(r.hyperparams), r.device)
    return Number(info.lastInsertRowid)
  }

  get(id: number): FinetuneRun | undefined {
    const r = this.db.prepare(`SELECT * FROM finetune_runs WHERE id = ?`).get(id) as RawRun | undefined
    return r && fromRaw(r)
  }

  byJob(jobId: number): FinetuneRun | undefined {
    const r = this.db.prepare(`SELECT * FROM finetune_runs WHERE job_id = ? ORDER BY id DESC LIMIT 1`).get(jobId) as RawRun | undefined
    return r && fromRaw(r)
  }

  list(filter: { datasetId?: number; jobId?: number } = {}): FinetuneRun[] {
    const where: string[] = []
    const args: number[] = []
    if (filter.datasetId !== undefined) {
      where.push('dataset_id = ?')
      args.push(filter.datasetId)
    }
    if (filter.jobId !== undefined) {
      where.push('job_id = ?')
      args.push(filter.jobId)
    }
    const sql = `SELECT * FROM finetune_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC`
    return (this.db.prepare(sql).all(...args) as RawRun[]).map(fromRaw)
  }

  /** What the data stage found: base version, fingerprint, split and the device actually used. */
  setData(
    id: number,
    d: { baseVersion: string; dataSource: FinetuneRun['dataSource']; dataFingerprint: string; split: FinetuneRun['split']; device: string },
  ): void {
    this.db
      .prepare(`UPDATE finetune_runs SET base_version = ?, data_source = ?, data_fingerprint = ?, split = ?, device = ? WHERE id = ?`)
      .run(d.baseVersion, JSON.stringify(d.dataSource), d.dataFingerprint, JSON.stringify(d.split), d.device, id)
  }

  /** How many texts the base model embedded for this run and how many came from stored vectors or stage files. */
  setVectorCounts(id: number, counts: { embedded: number; reused: number }): void {
    const run = this.get(id)
    if (!run) return
    this.db.prepare(`UPDATE finetune_runs SET split = ? WHERE id = ?`).run(JSON.stringify({ ...run.split, vectors: counts }), id)
  }

  /** The curves so far (replaced whole: a resumed run rewrites what it recomputed). */
  setCurves(id: number, steps: FinetuneRun['steps'], evaluations: FinetuneRun['evaluations']): void {
    this.db.prepare(`UPDATE finetune_runs SET steps = ?, evaluations = ? WHERE id = ?`).run(JSON.stringify(steps), JSON.stringify(evaluations), id)
  }

  setMetrics(id: number, before: FinetuneRun['before'], after: FinetuneRun['after']): void {
    this.db
      .prepare(`UPDATE finetune_runs SET before_metrics = ?, after_metrics = ? WHERE id = ?`)
      .run(before && JSON.stringify(before), after && JSON.stringify(after), id)
  }

  succeed(id: number, out: { modelId: string; dir: string; durationMs: number }): void {
    this.db
      .prepare(
        `UPDATE finetune_runs SET status = 'succeeded', output_model_id = ?, output_dir = ?, duration_ms = ?, error = NULL, finished_at = ${NOW} WHERE id = ?`,
      )
      .run(out.modelId, out.dir, out.durationMs, id)
  }

  /** A run that did not finish keeps its record (what was tried, and why it stopped) but names no model. */
  end(id: number, status: 'failed' | 'cancelled', error: string | null): void {
    this.db
      .prepare(`UPDATE finetune_runs SET status = ?, error = ?, output_model_id = NULL, output_dir = NULL, finished_at = ${NOW} WHERE id = ?`)
      .run(status, error, id)
  }

  /** Back to running when a stopped job is resumed. */
  reopen(id: number): void {
    this.db.prepare(`UPDATE finetune_runs SET status = 'running', error = NULL, finished_at = NULL WHERE id = ?`).run(id)
  }
}
