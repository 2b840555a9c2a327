import type { Migration } from './types'

/**
 * Translations placed on a map (contract/translations.ts): one row per analysis run and translation column, holding
 * the pairs' rows, the translations' 2-D positions, each translation's nearest row and the bitext metrics. Version 10:
 * 9 is taken by the Ray branch's migration.
 */
export const translationMaps: Migration = {
  version: 10,
  name: 'translation maps',
  up: `
    CREATE TABLE translation_maps (
      id         INTEGER PRIMARY KEY,
      run_id     INTEGER NOT NULL REFERENCES analysis_runs(id) ON DELETE CASCADE,
      column_idx INTEGER NOT NULL,
      model_id   TEXT NOT NULL,
      rows_idx   BLOB NOT NULL,
      coords     BLOB NOT NULL,
      nearest    BLOB NOT NULL,
      metrics    TEXT NOT NULL,
      sampled    INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      UNIQUE (run_id, column_idx)
    );
  `,
}
