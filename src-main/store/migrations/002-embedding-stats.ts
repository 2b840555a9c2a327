import type { Migration } from './types'

/** Counts users see next to a set of vectors (texts truncated, empty texts), kept apart from the key. */
export const embeddingStats: Migration = {
  version: 2,
  name: 'embedding set stats',
  up: `
    ALTER TABLE embedding_sets ADD COLUMN stats TEXT NOT NULL DEFAULT '{}';
    CREATE INDEX embedding_sets_by_dataset ON embedding_sets(dataset_id);
  `,
}
