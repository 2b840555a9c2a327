import type { Migration } from './types'

/**
 * Per-query results of a retrieval evaluation (query id, nDCG@10, top 10 document ids as JSON), so two models can be
 * compared query by query; texts are read again from the task's data when a query is opened, not copied here.
 */
export const evaluationQueries: Migration = {
  version: 7,
  name: 'evaluation per-query results',
  up: `
    CREATE TABLE evaluation_queries (
      run_id   INTEGER NOT NULL REFERENCES evaluation_runs(id) ON DELETE CASCADE,
      query_id TEXT NOT NULL,
      ndcg10   REAL NOT NULL,
      top      TEXT NOT NULL,
      PRIMARY KEY (run_id, query_id)
    ) WITHOUT ROWID;
  `,
}
