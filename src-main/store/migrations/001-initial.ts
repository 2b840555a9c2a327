import type { Migration } from './types'

/**
 * The whole schema the first release needs, including the tables that the embedding, analysis and
 * fine-tuning features fill later, so those features add columns rather than reshape the core.
 * Vectors, coordinates, assignments and scores are float32/int32 BLOBs: one read gives the renderer
 * a typed array without per-row objects.
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial schema',
  up: `
    CREATE TABLE datasets (
      id            INTEGER PRIMARY KEY,
      name          TEXT NOT NULL,
      source_path   TEXT NOT NULL,
      source_size   INTEGER NOT NULL,
      source_mtime  INTEGER NOT NULL,
      format        TEXT NOT NULL CHECK (format IN ('csv', 'jsonl')),
      encoding      TEXT NOT NULL,
      delimiter     TEXT,
      text_column   INTEGER NOT NULL,
      row_count     INTEGER NOT NULL DEFAULT 0,
      status        TEXT NOT NULL CHECK (status IN ('importing', 'ready')),
      import_report TEXT NOT NULL DEFAULT '{}',
      view_state    TEXT,
      created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );

    CREATE TABLE dataset_columns (
      dataset_id    INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      idx           INTEGER NOT NULL,
      name          TEXT NOT NULL,
      type          TEXT NOT NULL,
      median_length REAL NOT NULL DEFAULT 0,
      PRIMARY KEY (dataset_id, idx)
    );

    -- cells: JSON array of every original value (export writes them back as they came);
    -- text: the text column's value, duplicated for embedding, search and the table.
    -- flags: bit 0 empty text, bit 1 ragged row (padded or extended).
    CREATE TABLE rows (
      dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      idx        INTEGER NOT NULL,
      line       INTEGER NOT NULL,
      text       TEXT NOT NULL,
      cells      TEXT NOT NULL,
      flags      INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (dataset_id, idx)
    );

    CREATE TABLE models (
      id         TEXT PRIMARY KEY,
      name       TEXT NOT NULL,
      source     TEXT NOT NULL CHECK (source IN ('catalog', 'local', 'finetuned')),
      path       TEXT NOT NULL,
      version    TEXT NOT NULL,
      dims       INTEGER NOT NULL,
      config     TEXT NOT NULL DEFAULT '{}',
      added_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );

    -- One set of vectors per (dataset, model version, dims, prompt); re-running the same embed is a no-op.
    CREATE TABLE embedding_sets (
      id            INTEGER PRIMARY KEY,
      dataset_id    INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      model_id      TEXT NOT NULL,
      model_version TEXT NOT NULL,
      dims          INTEGER NOT NULL,
      params        TEXT NOT NULL DEFAULT '{}',
      provider      TEXT,
      status        TEXT NOT NULL CHECK (status IN ('embedding', 'ready')),
      created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      UNIQUE (dataset_id, model_id, model_version, dims, params)
    );

    CREATE TABLE embeddings (
      set_id  INTEGER NOT NULL REFERENCES embedding_sets(id) ON DELETE CASCADE,
      row_idx INTEGER NOT NULL,
      vector  BLOB NOT NULL,
      PRIMARY KEY (set_id, row_idx)
    ) WITHOUT ROWID;

    CREATE TABLE projections (
      id         INTEGER PRIMARY KEY,
      set_id     INTEGER NOT NULL REFERENCES embedding_sets(id) ON DELETE CASCADE,
      method     TEXT NOT NULL,
      params     TEXT NOT NULL DEFAULT '{}',
      notes      TEXT NOT NULL DEFAULT '{}',
      coords     BLOB,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );

    CREATE TABLE clusterings (
      id               INTEGER PRIMARY KEY,
      set_id           INTEGER NOT NULL REFERENCES embedding_sets(id) ON DELETE CASCADE,
      k                INTEGER NOT NULL,
      params           TEXT NOT NULL DEFAULT '{}',
      silhouette       REAL,
      silhouette_curve TEXT NOT NULL DEFAULT '[]',
      assignments      BLOB,
      centroids        BLOB,
      created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );

    -- keywords are computed; name is the user's and survives re-labelling.
    CREATE TABLE clusters (
      clustering_id INTEGER NOT NULL REFERENCES clusterings(id) ON DELETE CASCADE,
      idx           INTEGER NOT NULL,
      size          INTEGER NOT NULL,
      keywords      TEXT NOT NULL DEFAULT '[]',
      exemplars     TEXT NOT NULL DEFAULT '[]',
      name          TEXT,
      PRIMARY KEY (clustering_id, idx)
    );

    CREATE TABLE anomaly_runs (
      id            INTEGER PRIMARY KEY,
      set_id        INTEGER NOT NULL REFERENCES embedding_sets(id) ON DELETE CASCADE,
      method        TEXT NOT NULL,
      params        TEXT NOT NULL DEFAULT '{}',
      scores        BLOB,
      threshold     REAL,
      flagged_count INTEGER,
      created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
    );

    -- A job row is written before work starts, so a crash leaves a record to resume from.
    -- checkpoint is the job's own JSON (for import: rows committed); it is updated in the
    -- same transaction as the work it describes.
    CREATE TABLE jobs (
      id          INTEGER PRIMARY KEY,
      kind        TEXT NOT NULL,
      dataset_id  INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
      state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'interrupted', 'succeeded', 'failed', 'cancelled')),
      params      TEXT NOT NULL DEFAULT '{}',
      lock_key    TEXT,
      done        INTEGER NOT NULL DEFAULT 0,
      total       INTEGER,
      checkpoint  TEXT NOT NULL DEFAULT '{}',
      result      TEXT,
      error       TEXT,
      owner_pid   INTEGER,
      -- Set by whoever asks to cancel (any process); the worker checks it between batches.
      cancel_requested INTEGER NOT NULL DEFAULT 0,
      attempts    INTEGER NOT NULL DEFAULT 0,
      created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      started_at  TEXT,
      updated_at  TEXT,
      finished_at TEXT
    );
    -- Two live jobs on the same thing (e.g. two imports of one file) are refused by the database itself.
    CREATE UNIQUE INDEX jobs_live_lock ON jobs(lock_key) WHERE lock_key IS NOT NULL AND state IN ('queued', 'running', 'interrupted');
    CREATE INDEX jobs_by_state ON jobs(state);
  `,
}
