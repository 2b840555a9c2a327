import Database from 'better-sqlite3'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from '../../../src-main/store/connection'
import { migrations } from '../../../src-main/store/migrations'
import { tmpDir } from '../../helpers/tmp'

/**
 * Migration 8 widens datasets.format's CHECK by editing the table's CREATE statement (a rebuild would cascade-delete
 * every dataset's rows inside the migration transaction). A workspace made before it, with a dataset, its rows and an
 * embedding set, must keep all of them, keep its foreign keys pointing at `datasets`, and accept Parquet/Arrow formats.
 */
const dir = tmpDir('embedmap-m8-')

function makeWorkspaceBefore8(file: string): void {
  const db = new Database(file)
  db.transaction(() => {
    for (const m of migrations.filter((m) => m.version < 8)) {
      if (typeof m.up === 'string') db.exec(m.up)
      else m.up(db)
      db.pragma(`user_version = ${m.version}`)
    }
    db.pragma(`application_id = ${0x454d4150}`)
  })()
  db.prepare(
    `INSERT INTO datasets (id, name, source_path, source_size, source_mtime, format, encoding, delimiter, text_column, row_count, status)
     VALUES (1, 'old', '/data/old.csv', 10, 1700000000000, 'csv', 'utf-8', ',', 0, 2, 'ready')`,
  ).run()
  const row = db.prepare(`INSERT INTO rows (dataset_id, idx, line, text, cells) VALUES (1, ?, ?, ?, ?)`)
  row.run(0, 2, 'a', '["a"]')
  row.run(1, 3, 'b', '["b"]')
  db.prepare(`INSERT INTO embedding_sets (id, dataset_id, model_id, model_version, dims, status) VALUES (1, 1, 'm', 'v', 4, 'ready')`).run()
  db.close()
}

describe('migration 8: Parquet and Arrow datasets', () => {
  it('keeps every row and reference, and accepts parquet/arrow but still refuses other formats', () => {
    const file = path.join(dir, 'before8.sqlite')
    makeWorkspaceBefore8(file)
    const db = openStore(file)
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(8)
    expect(db.prepare(`SELECT count(*) AS n FROM rows WHERE dataset_id = 1`).get()).toEqual({ n: 2 })
    expect(db.prepare(`SELECT count(*) AS n FROM embedding_sets WHERE dataset_id = 1`).get()).toEqual({ n: 1 })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
    const rowsSql = (db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'rows'`).get() as { sql: string }).sql
    expect(rowsSql).toContain('REFERENCES datasets(id) ON DELETE CASCADE')

    const insert = db.prepare(
      `INSERT INTO datasets (name, source_path, source_size, source_mtime, format, encoding, text_column, status) VALUES ('n', '/p', 1, 1, ?, 'utf-8', 0, 'ready')`,
    )
    expect(() => insert.run('parquet')).not.toThrow()
    expect(() => insert.run('arrow')).not.toThrow()
    expect(() => insert.run('xml')).toThrow(/CHECK constraint failed/)
    // Deleting the old dataset still cascades to its rows (the references were not rewritten).
    db.prepare(`DELETE FROM datasets WHERE id = 1`).run()
    expect(db.prepare(`SELECT count(*) AS n FROM rows`).get()).toEqual({ n: 0 })
    db.close()
  })
})
