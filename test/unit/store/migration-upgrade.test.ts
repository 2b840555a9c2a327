import Database from 'better-sqlite3'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseChannelInput, CLI_CALLER } from '../../../src-main/contract'
import { createEngine } from '../../../src-main/engine/engine'
import { openStore } from '../../../src-main/store/connection'
import { latestSchemaVersion, migrations } from '../../../src-main/store/migrations'
import { tmpDir } from '../../helpers/tmp'

/**
 * Issue 9: no test upgraded an old workspace that holds data. This one is made at schema version 1 only (the first
 * release's schema, by migration 1 alone), filled through plain SQL as that release wrote it, then opened with
 * today's code: the data must survive and every later migration must apply.
 */
const dir = tmpDir('embedmap-upgrade-')

function makeVersion1Workspace(file: string): void {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.transaction(() => {
    const v1 = migrations[0]
    expect(v1.version).toBe(1)
    if (typeof v1.up === 'string') db.exec(v1.up)
    else v1.up(db)
    db.pragma('user_version = 1')
    db.pragma(`application_id = ${0x454d4150}`)
  })()
  db.prepare(
    `INSERT INTO datasets (id, name, source_path, source_size, source_mtime, format, encoding, delimiter, text_column, row_count, status, import_report)
     VALUES (1, 'old news', '/data/old-news.csv', 1234, 1700000000000, 'csv', 'utf-8', ',', 1, 3, 'ready', ?)`,
  ).run(JSON.stringify({ ragged: { count: 0, examples: [] }, emptyText: { count: 0, exampleLines: [] }, warnings: [] }))
  const col = db.prepare(`INSERT INTO dataset_columns (dataset_id, idx, name, type, median_length) VALUES (1, ?, ?, ?, ?)`)
  col.run(0, 'id', 'integer', 1)
  col.run(1, 'text', 'text', 20)
  col.run(2, 'label', 'text', 5)
  const row = db.prepare(`INSERT INTO rows (dataset_id, idx, line, text, cells, flags) VALUES (1, ?, ?, ?, ?, 0)`)
  const texts = ['Stocks rally on rate hopes', 'Team wins the cup final', '新しい電池が発表された']
  texts.forEach((t, i) => row.run(i, i + 2, t, JSON.stringify([String(i + 1), t, ['biz', 'sport', 'tech'][i]])))
  db.prepare(
    `INSERT INTO jobs (id, kind, dataset_id, state, params, lock_key, done, total, result, attempts, started_at, finished_at)
     VALUES (1, 'import', 1, 'succeeded', ?, 'import:/data/old-news.csv', 3, 3, ?, 1, '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:01.000Z')`,
  ).run(JSON.stringify({ path: '/data/old-news.csv', options: {}, textColumn: 1 }), JSON.stringify({ rows: 3 }))
  db.prepare(`INSERT INTO embedding_sets (id, dataset_id, model_id, model_version, dims, status) VALUES (1, 1, 'old-model', 'v1', 4, 'ready')`).run()
  db.prepare(`INSERT INTO anomaly_runs (id, set_id, method, scores, threshold, flagged_count) VALUES (1, 1, 'knn', ?, 0.5, 1)`).run(
    Buffer.from(new Float32Array([0.1, 0.9, 0.2]).buffer),
  )
  db.close()
}

describe('upgrading a version-1 workspace that holds data', () => {
  it('applies every later migration and keeps datasets, rows, jobs, embedding sets and anomaly runs', async () => {
    const file = path.join(dir, 'v1.sqlite')
    makeVersion1Workspace(file)

    const db = openStore(file)
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion)
    expect(latestSchemaVersion).toBeGreaterThan(1)
    // Migration 2's column with its default, migration 3's table and columns.
    expect(db.prepare(`SELECT stats FROM embedding_sets WHERE id = 1`).get()).toEqual({ stats: '{}' })
    expect(db.prepare(`SELECT count(*) AS n FROM analysis_runs`).get()).toEqual({ n: 0 })
    const anomaly = db.prepare(`SELECT flagged_count, explanations, raw, flags FROM anomaly_runs WHERE id = 1`).get()
    expect(anomaly).toEqual({ flagged_count: 1, explanations: '[]', raw: null, flags: null })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
    db.close()

    // Today's engine reads the old data through the contract.
    const engine = await createEngine({ dbPath: file })
    try {
      const d = await engine.invoke('datasets.get', { id: 1 }, CLI_CALLER)
      expect(d).toMatchObject({ name: 'old news', rowCount: 3, status: 'ready', textColumn: 1 })
      expect(d.columns.map((c) => c.name)).toEqual(['id', 'text', 'label'])
      const page = await engine.invoke('datasets.rows', parseChannelInput('datasets.rows', { id: 1 }), CLI_CALLER)
      expect(page.rows.map((r) => r.text)).toEqual(['Stocks rally on rate hopes', 'Team wins the cup final', '新しい電池が発表された'])
      expect(page.rows[2].cells).toEqual(['3', '新しい電池が発表された', 'tech'])
      const jobs = await engine.invoke('jobs.list', { activeOnly: false }, CLI_CALLER)
      expect(jobs).toHaveLength(1)
      expect(jobs[0]).toMatchObject({ id: 1, kind: 'import', state: 'succeeded', datasetId: 1, result: { rows: 3 } })
      const sets = await engine.invoke('embeddings.list', { datasetId: 1 }, CLI_CALLER)
      expect(sets.map((s) => s.modelId)).toEqual(['old-model'])
    } finally {
      await engine.close()
    }
  })
})
