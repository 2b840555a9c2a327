import type { EvalTaskKind, EvaluationRun } from '../contract'
import type { Db } from './connection'

interface RawRun {
  id: number
  task: EvalTaskKind
  data_fingerprint: string
  data_label: string
  model_id: string
  model_version: string
  dims: number | null
  lexical: number
  main_metric: string
  main_score: number
  metrics: string
  costs: string
  warnings: string
  created_at: string
}

function fromRaw(r: RawRun): EvaluationRun {
  return {
    id: r.id,
    task: r.task,
    dataFingerprint: r.data_fingerprint,
    dataLabel: r.data_label,
    modelId: r.model_id,
    modelVersion: r.model_version,
    dims: r.dims,
    lexical: r.lexical !== 0,
    mainMetric: r.main_metric,
    mainScore: r.main_score,
    metrics: JSON.parse(r.metrics),
    costs: JSON.parse(r.costs),
    warnings: JSON.parse(r.warnings),
    createdAt: r.created_at,
  }
}

export type NewEvaluationRun = Omit<EvaluationRun, 'id' | 'createdAt'> & { jobId: number | null; spec: unknown }

/** Stored evaluation results (see migration 5). */
export class EvaluationsRepo {
  constructor(private readonly db: Db) {}

  find(key: { task: string; dataFingerprint: string; modelId: string; modelVersion: string; dims: number | null }): EvaluationRun | undefined {
    const r = this.db
      .prepare(`SELECT * FROM evaluation_runs WHERE task = ? AND data_fingerprint = ? AND model_id = ? AND model_version = ? AND coalesce(dims, 0) = ?`)
      .get(key.task, key.dataFingerprint, key.modelId, key.modelVersion, key.dims ?? 0) as RawRun | undefined
    return r && fromRaw(r)
  }

  /** Inserts a result, replacing an earlier one of the same key (only asked for with `recompute`). */
  save(run: NewEvaluationRun): EvaluationRun {
    const info = this.db
      .prepare(
        `INSERT INTO evaluation_runs (job_id, task, data_fingerprint, data_label, spec, model_id, model_version, dims, lexical, main_metric, main_score, metrics, costs, warnings)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET job_id = excluded.job_id, data_label = excluded.data_label, spec = excluded.spec, lexical = excluded.lexical,
           main_metric = excluded.main_metric, main_score = excluded.main_score, metrics = excluded.metrics, costs = excluded.costs,
           warnings = excluded.warnings, created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         RETURNING id`,
      )
      .get(
        run.jobId,
        run.task,
        run.dataFingerprint,
        run.dataLabel,
        JSON.stringify(run.spec),
        run.modelId,
        run.modelVersion,
        run.dims,
        run.lexical ? 1 : 0,
        run.mainMetric,
        run.mainScore,
        JSON.stringify(run.metrics),
        JSON.stringify(run.costs),
        JSON.stringify(run.warnings),
      ) as { id: number }
    return this.get(info.id)!
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  /** Replaces a run's per-query results (retrieval). */
  saveQueries(runId: number, queries: { queryId: string; ndcg10: number; top: string[] }[]): void {
    this.db.prepare(`DELETE FROM evaluation_queries WHERE run_id = ?`).run(runId)
    const ins = this.db.prepare(`INSERT INTO evaluation_queries (run_id, query_id, ndcg10, top) VALUES (?, ?, ?, ?)`)
    for (const q of queries) ins.run(runId, q.queryId, q.ndcg10, JSON.stringify(q.top))
  }

  queries(runId: number): Map<string, { ndcg10: number; top: string[] }> {
    const rows = this.db.prepare(`SELECT query_id, ndcg10, top FROM evaluation_queries WHERE run_id = ?`).all(runId) as {
      query_id: string
      ndcg10: number
      top: string
    }[]
    return new Map(rows.map((r) => [r.query_id, { ndcg10: r.ndcg10, top: JSON.parse(r.top) as string[] }]))
  }

  /** The stored task spec of a run (file paths as the engine resolved them when the job started). */
  spec(id: number): unknown {
    const r = this.db.prepare(`SELECT spec FROM evaluation_runs WHERE id = ?`).get(id) as { spec: string } | undefined
    return r && JSON.parse(r.spec)
  }

  get(id: number): EvaluationRun | undefined {
    const r = this.db.prepare(`SELECT * FROM evaluation_runs WHERE id = ?`).get(id) as RawRun | undefined
    return r && fromRaw(r)
  }

  list(filter: { ids?: number[]; task?: string; dataFingerprint?: string; limit?: number } = {}): EvaluationRun[] {
    const where: string[] = []
    const args: unknown[] = []
    if (filter.ids) {
      where.push(`id IN (SELECT value FROM json_each(?))`)
      args.push(JSON.stringify(filter.ids))
    }
    if (filter.task) {
      where.push('task = ?')
      args.push(filter.task)
    }
    if (filter.dataFingerprint) {
      where.push('data_fingerprint = ?')
      args.push(filter.dataFingerprint)
    }
    const sql = `SELECT * FROM evaluation_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`
    return (this.db.prepare(sql).all(...args, filter.limit ?? 500) as RawRun[]).map(fromRaw)
  }
}
