/**
 * A task read from the user's files, ready to run with any EmbedFn — the one entry point the CLI (and
 * later the evaluate job) needs: `loadTaskFiles(spec)` then `task.run(embed)` per model, and
 * `task.runBaseline()` for the lexical baseline (BM25 for retrieval, TF-IDF vectors otherwise, fitted
 * on all of the task's texts).
 */
import { tfidfEmbed } from './lexical/tfidf'
import { loadBeir, type BeirFiles } from './load/beir'
import { loadLabelledTexts } from './load/labelled-texts'
import { loadLabelledPairs, loadScoredPairs } from './load/pairs'
import { loadParallelTexts } from './load/parallel'
import { loadQueryDocPairs } from './load/query-doc-pairs'
import type { ColumnChoice, TableSource } from './load/read-table'
import { runBitextTask } from './tasks/bitext-task'
import { runClassificationTask } from './tasks/classification-task'
import { runClusteringTask } from './tasks/clustering-task'
import { runPairClassificationTask } from './tasks/pair-classification-task'
import { runRetrievalTask } from './tasks/retrieval-task'
import { runStsTask } from './tasks/sts-task'
import type { EmbedFn, TaskResult } from './tasks/types'

export type TaskKind = 'retrieval' | 'sts' | 'pairs' | 'clustering' | 'classification' | 'bitext'

export type TaskFiles =
  | ({ kind: 'retrieval' } & BeirFiles)
  | { kind: 'retrieval'; file: TableSource; query?: ColumnChoice; doc?: ColumnChoice }
  | { kind: 'sts'; file: TableSource; a?: ColumnChoice; b?: ColumnChoice; score?: ColumnChoice }
  | { kind: 'pairs'; file: TableSource; a?: ColumnChoice; b?: ColumnChoice; label?: ColumnChoice }
  | { kind: 'clustering'; file: TableSource; text?: ColumnChoice; label?: ColumnChoice }
  | { kind: 'classification'; file: TableSource; test?: string; text?: ColumnChoice; label?: ColumnChoice }
  | { kind: 'bitext'; file: TableSource; source: ColumnChoice; target: ColumnChoice }

export interface LoadedTask {
  kind: TaskKind
  /** Rows / pairs / queries×documents, for the summary line. */
  size: string
  /** Every text of the task (what a TF-IDF baseline is fitted on). */
  texts: string[]
  warnings: string[]
  run(embed: EmbedFn): Promise<TaskResult>
  /** The lexical baseline MTEB reports beside models: BM25 (retrieval) or TF-IDF vectors. */
  runBaseline(): Promise<TaskResult>
}

export async function loadTaskFiles(spec: TaskFiles): Promise<LoadedTask> {
  const make = (size: string, texts: string[], warnings: string[], run: (embed: EmbedFn) => Promise<TaskResult>): LoadedTask => ({
    kind: spec.kind,
    size,
    texts,
    warnings,
    run,
    runBaseline: () => run(tfidfEmbed(texts)),
  })
  switch (spec.kind) {
    case 'retrieval': {
      const b = 'file' in spec ? await loadQueryDocPairs({ file: spec.file, query: spec.query, doc: spec.doc }) : await loadBeir(spec)
      const input = { queries: b.queries, corpus: b.corpus, qrels: b.qrels }
      const task = make(
        `${b.queries.length} queries × ${b.corpus.length} documents`,
        [...b.queries.map((q) => q.text), ...b.corpus.map((d) => d.text)],
        b.warnings,
        (embed) => runRetrievalTask({ ...input, embed }),
      )
      return { ...task, runBaseline: () => runRetrievalTask({ ...input, lexical: 'bm25' }) }
    }
    case 'sts': {
      const pairs = await loadScoredPairs(spec)
      return make(
        `${pairs.length} pairs`,
        pairs.flatMap((p) => [p.a, p.b]),
        [],
        (embed) => runStsTask({ pairs, embed }),
      )
    }
    case 'pairs': {
      const pairs = await loadLabelledPairs(spec)
      return make(
        `${pairs.length} pairs`,
        pairs.flatMap((p) => [p.a, p.b]),
        [],
        (embed) => runPairClassificationTask({ pairs, embed }),
      )
    }
    case 'clustering': {
      const rows = await loadLabelledTexts(spec)
      return make(
        `${rows.length} rows`,
        rows.map((r) => r.text),
        [],
        (embed) => runClusteringTask({ rows, embed }),
      )
    }
    case 'classification': {
      const train = await loadLabelledTexts(spec)
      const test = spec.test ? await loadLabelledTexts({ ...spec, file: spec.test }) : undefined
      const texts = [...train, ...(test ?? [])].map((r) => r.text)
      return make(`${train.length} training rows${test ? `, ${test.length} test rows` : ' (5-fold)'}`, texts, [], (embed) =>
        runClassificationTask({ train, test, embed }),
      )
    }
    case 'bitext': {
      const pairs = await loadParallelTexts(spec)
      return make(
        `${pairs.length} parallel rows`,
        pairs.flatMap((p) => [p.source, p.target]),
        [],
        (embed) => runBitextTask({ pairs, embed }),
      )
    }
  }
}
