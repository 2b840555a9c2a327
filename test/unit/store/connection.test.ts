import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EmbedMapError } from '../../../src-main/errors'
import { openStore } from '../../../src-main/store/connection'
import { latestSchemaVersion } from '../../../src-main/store/migrations'
import { tmpDir } from '../../helpers/tmp'

const dir = tmpDir()

function expectStoreError(fn: () => unknown, pattern: RegExp): EmbedMapError {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(EmbedMapError)
    const e = err as EmbedMapError
    expect(e.code).toBe('STORE')
    expect(e.message).toMatch(pattern)
    expect(e.hint).toBeTruthy()
    return e
  }
  throw new Error('expected openStore to throw')
}

describe('openStore', () => {
  it('creates a migrated database in WAL mode with foreign keys, in a folder it creates', () => {
    const file = path.join(dir, 'nested', 'a.sqlite')
    const db = openStore(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion)
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name)
    for (const t of [
      'datasets',
      'dataset_columns',
      'rows',
      'models',
      'embedding_sets',
      'embeddings',
      'projections',
      'clusterings',
      'clusters',
      'anomaly_runs',
      'jobs',
    ]) {
      expect(tables).toContain(t)
    }
    db.close()
  })

  it('is idempotent: reopening keeps data and does not re-run migrations', () => {
    const file = path.join(dir, 'b.sqlite')
    const db = openStore(file)
    db.prepare(`INSERT INTO jobs (kind, state) VALUES ('import', 'queued')`).run()
    db.close()
    const again = openStore(file)
    expect((again.prepare(`SELECT count(*) AS n FROM jobs`).get() as { n: number }).n).toBe(1)
    again.close()
  })

  it('deletes rows with their dataset (foreign keys enforced)', () => {
    const db = openStore(path.join(dir, 'c.sqlite'))
    const id = Number(
      db
        .prepare(
          `INSERT INTO datasets (name, source_path, source_size, source_mtime, format, encoding, text_column, status) VALUES ('d', '/x', 1, 1, 'csv', 'utf-8', 0, 'ready')`,
        )
        .run().lastInsertRowid,
    )
    db.prepare(`INSERT INTO rows (dataset_id, idx, line, text, cells) VALUES (?, 0, 2, 't', '["t"]')`).run(id)
    db.prepare(`DELETE FROM datasets WHERE id = ?`).run(id)
    expect((db.prepare(`SELECT count(*) AS n FROM rows`).get() as { n: number }).n).toBe(0)
    expect(() => db.prepare(`INSERT INTO rows (dataset_id, idx, line, text, cells) VALUES (999, 0, 2, 't', '[]')`).run()).toThrow(/FOREIGN KEY/)
    db.close()
  })

  it('refuses two live jobs with the same lock key', () => {
    const db = openStore(path.join(dir, 'd.sqlite'))
    db.prepare(`INSERT INTO jobs (kind, state, lock_key) VALUES ('import', 'running', 'import:/f.csv')`).run()
    expect(() => db.prepare(`INSERT INTO jobs (kind, state, lock_key) VALUES ('import', 'queued', 'import:/f.csv')`).run()).toThrow(/UNIQUE/)
    // A finished job no longer holds the lock.
    db.prepare(`UPDATE jobs SET state = 'succeeded'`).run()
    db.prepare(`INSERT INTO jobs (kind, state, lock_key) VALUES ('import', 'queued', 'import:/f.csv')`).run()
    db.close()
  })

  it('refuses a corrupt file without touching it', () => {
    const file = path.join(dir, 'corrupt.sqlite')
    const junk = Buffer.alloc(8192, 0x41)
    fs.writeFileSync(file, junk)
    expectStoreError(() => openStore(file), /corrupt\.sqlite is corrupt or is not a database/)
    expect(fs.readFileSync(file).equals(junk)).toBe(true)
  })

  it('refuses a database written by a newer schema version', () => {
    const file = path.join(dir, 'newer.sqlite')
    openStore(file).close()
    const raw = new Database(file)
    raw.pragma(`user_version = ${latestSchemaVersion + 5}`)
    raw.close()
    const e = expectStoreError(() => openStore(file), /newer EmbedMap \(schema version \d+; this version knows up to \d+\)/)
    expect(e.details).toMatchObject({ version: latestSchemaVersion + 5 })
  })

  it("refuses someone else's SQLite database instead of migrating it", () => {
    const file = path.join(dir, 'foreign.sqlite')
    const raw = new Database(file)
    raw.exec(`CREATE TABLE invoices (id INTEGER PRIMARY KEY)`)
    raw.close()
    expectStoreError(() => openStore(file), /not an EmbedMap workspace/)
    const check = new Database(file)
    expect(check.pragma('user_version', { simple: true })).toBe(0)
    check.close()
  })
})
