import type { Migration } from './types'

/**
 * Evaluation results: one row per task data × model (version, dims). The unique key is what "never silently
 * recomputed" rests on: a second evaluation of the same model on the same bytes finds its row and reuses it.
 */
export const evaluationRuns: Migration = {
  version: 5,
  name: 'evaluation runs',
  up: `
    CREATE TABLE evaluation_runs (
      id               INTEGER PRIMARY KEY,
      job_id           INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
      task             TEXT NOT NULL,
      data_fingerprint TEXT NOT NULL,
      data_label       TEXT NOT NULL,
      spec             TEXT NOT NULL,
      model_id         TEXT NOT NULL,
      model_version    TEXT NOT NULL,
      dims             INTEGER,
      lexical          INTEGER NOT NULL DEFAULT 0,
      main_metric      TEXT NOT NULL,
      main_score       REAL NOT NULL,
      metrics          TEXT NOT NULL,
      costs            TEXT NOT NULL,
      warnings         TEXT NOT NULL DEFAULT '[]',
      created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE UNIQUE INDEX evaluation_runs_key ON evaluation_runs(task, data_fingerprint, model_id, model_version, coalesce(dims, 0));
  `,
}
