import type { Migration } from './types'

/**
 * One analysis run ties together what a user sees on one map: the projection, the clustering, the
 * anomaly scores, the near-duplicate groups and the kNN graph they were all computed from (kept, so
 * "neighbours of this row" and anomaly explanations need no recomputation).
 */
export const analysisRuns: Migration = {
  version: 3,
  name: 'analysis runs',
  up: `
    CREATE TABLE analysis_runs (
      id             INTEGER PRIMARY KEY,
      set_id         INTEGER NOT NULL REFERENCES embedding_sets(id) ON DELETE CASCADE,
      status         TEXT NOT NULL CHECK (status IN ('running', 'ready')),
      params         TEXT NOT NULL DEFAULT '{}',
      projection_id  INTEGER REFERENCES projections(id) ON DELETE SET NULL,
      clustering_id  INTEGER REFERENCES clusterings(id) ON DELETE SET NULL,
      anomaly_run_id INTEGER REFERENCES anomaly_runs(id) ON DELETE SET NULL,
      knn_k          INTEGER,
      knn_indices    BLOB,
      knn_distances  BLOB,
      knn_method     TEXT,
      dup_group_of   BLOB,
      dup_groups     TEXT,
      notes          TEXT NOT NULL DEFAULT '{}',
      created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );
    CREATE INDEX analysis_runs_by_set ON analysis_runs(set_id);
    ALTER TABLE anomaly_runs ADD COLUMN raw BLOB;
    ALTER TABLE anomaly_runs ADD COLUMN flags BLOB;
    ALTER TABLE anomaly_runs ADD COLUMN explanations TEXT NOT NULL DEFAULT '[]';
  `,
}
