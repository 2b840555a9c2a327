import type { Migration } from './types'

/**
 * Fine-tuning runs: one row per run, whatever the method (adapter in TypeScript, full fine-tune in Python). Everything
 * needed to say later what was trained on what and how well it did: base model and version, data description and
 * fingerprint, the split, every hyper-parameter, the device, the loss and evaluation curves, before/after metrics and
 * the model it produced. The curves are JSON arrays: a run has at most a few thousand points and they are always read
 * whole.
 */
export const finetuneRuns: Migration = {
  version: 6,
  name: 'finetune runs',
  up: `
    CREATE TABLE finetune_runs (
      id               INTEGER PRIMARY KEY,
      job_id           INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
      name             TEXT,
      method           TEXT NOT NULL CHECK (method IN ('adapter', 'full')),
      base_model_id    TEXT NOT NULL,
      base_version     TEXT NOT NULL DEFAULT '',
      dataset_id       INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
      data_source      TEXT NOT NULL,
      data_fingerprint TEXT NOT NULL DEFAULT '',
      split            TEXT NOT NULL DEFAULT '{}',
      hyperparams      TEXT NOT NULL,
      device           TEXT NOT NULL DEFAULT '',
      steps            TEXT NOT NULL DEFAULT '[]',
      evaluations      TEXT NOT NULL DEFAULT '[]',
      before_metrics   TEXT,
      after_metrics    TEXT,
      status           TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
      output_model_id  TEXT,
      output_dir       TEXT,
      error            TEXT,
      duration_ms      REAL,
      created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
      finished_at      TEXT
    );
    CREATE INDEX finetune_runs_job ON finetune_runs(job_id);
  `,
}
