import { EvalTaskSpecSchema, type EvalCompare, type EvalQueryDetail, type EvaluationRun } from '../contract'
import { EmbedMapError } from '../errors'
import { loadBeir, type BeirData } from '../evaluate'
import { loadQueryDocPairs } from '../evaluate/load/query-doc-pairs'
import { readDatasetTable } from '../jobs/evaluate-source'
import type { Db } from '../store/connection'
import type { EvaluationsRepo } from '../store/evaluations-repo'

/**
 * Per-query comparison of retrieval results. Scores and top hits are stored with each result; texts are read again
 * from the task's data (the files the job was allowed to read, or the dataset) when asked, the last one kept.
 */
export class EvalQueriesService {
  private cached: { fingerprint: string; data: Promise<BeirData> } | null = null

  constructor(
    private readonly db: Db,
    private readonly repo: EvaluationsRepo,
  ) {}

  async compare(aId: number, bId: number): Promise<EvalCompare> {
    const [a, b] = [this.run(aId), this.run(bId)]
    if (a.dataFingerprint !== b.dataFingerprint)
      throw new EmbedMapError('BAD_INPUT', `Results ${aId} and ${bId} are on different data.`, 'Compare two results of the same evaluation.')
    const data = await this.data(a)
    const texts = new Map(data.queries.map((q) => [q.id, q.text]))
    const qa = this.repo.queries(aId)
    const qb = this.repo.queries(bId)
    const queries = [...qa].flatMap(([queryId, x]) => {
      const y = qb.get(queryId)
      return y ? [{ queryId, text: texts.get(queryId) ?? '', a: x.ndcg10, b: y.ndcg10 }] : []
    })
    return { a, b, queries }
  }

  async query(runIds: number[], queryId: string): Promise<EvalQueryDetail> {
    const runs = runIds.map((id) => this.run(id))
    const data = await this.data(runs[0])
    const query = data.queries.find((q) => q.id === queryId)
    if (!query) throw new EmbedMapError('NOT_FOUND', `There is no query '${queryId}' in this evaluation.`, 'Pick a query from the comparison.')
    const docs = new Map(data.corpus.map((d) => [d.id, d.text]))
    const judged = data.qrels.get(queryId) ?? new Map<string, number>()
    const doc = (docId: string) => ({ docId, text: docs.get(docId) ?? '', grade: judged.get(docId) ?? 0 })
    return {
      queryId,
      text: query.text,
      relevant: [...judged].filter(([, g]) => g > 0).map(([docId]) => doc(docId)),
      hits: runs.map((r) => {
        const q = this.repo.queries(r.id).get(queryId)
        return { runId: r.id, modelId: r.modelId, ndcg10: q?.ndcg10 ?? null, docs: (q?.top ?? []).map(doc) }
      }),
    }
  }

  private run(id: number): EvaluationRun {
    const r = this.repo.get(id)
    if (!r) throw new EmbedMapError('NOT_FOUND', `There is no evaluation result ${id}.`, 'List them with `embedmap eval list`.')
    if (r.task !== 'retrieval') throw new EmbedMapError('BAD_INPUT', `Result ${id} is a ${r.task} evaluation.`, 'Per-query results exist for retrieval.')
    return r
  }

  private data(run: EvaluationRun): Promise<BeirData> {
    if (this.cached?.fingerprint !== run.dataFingerprint) {
      const spec = EvalTaskSpecSchema.parse(this.repo.spec(run.id))
      if (spec.kind !== 'retrieval') throw new EmbedMapError('BAD_INPUT', 'Not a retrieval evaluation.', 'Per-query results exist for retrieval.')
      const data =
        spec.dataset !== undefined
          ? loadQueryDocPairs({ file: readDatasetTable(this.db, spec.dataset), query: spec.queryText, doc: spec.docText?.[0] })
          : loadBeir({ ...spec, queries: spec.queries ?? '', corpus: spec.corpus ?? '', qrels: spec.qrels ?? '' })
      this.cached = { fingerprint: run.dataFingerprint, data }
      data.catch(() => (this.cached = null))
    }
    return this.cached.data
  }
}
