import type { Database } from 'better-sqlite3'
import type { Migration } from './types'

const OLD_CHECK = "CHECK (format IN ('csv', 'jsonl'))"
const NEW_CHECK = "CHECK (format IN ('csv', 'jsonl', 'parquet', 'arrow'))"

/**
 * Datasets may come from Parquet and Arrow IPC/Feather files: widens datasets.format's CHECK.
 *
 * SQLite cannot ALTER a CHECK, and the usual rebuild (create datasets_new, copy, drop, rename) is unsafe here: the
 * migration runs inside a transaction, where foreign keys cannot be switched off, so dropping the old table would
 * cascade-delete every row, set and run that references it, and renaming it rewrites their REFERENCES clauses.
 * SQLite's documented procedure for a change that leaves the stored data valid (ALTER TABLE, "Making Other Kinds Of
 * Table Schema Changes") is to edit the table's CREATE statement in sqlite_schema and bump schema_version, all in
 * the same transaction. Widening a CHECK is such a change: every stored row still passes. The edit must hit
 * exactly one table, else the migration throws and the transaction leaves the file as it was.
 */
export const columnarFormats: Migration = {
  version: 8,
  name: 'parquet and arrow datasets',
  up: (db: Database) => {
    const before = db.prepare(`SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'datasets'`).get() as { sql: string } | undefined
    if (!before || before.sql.split(OLD_CHECK).length !== 2)
      throw new Error('migration 8: datasets.format CHECK is not the one expected; the file was left as it was')
    const version = db.pragma('schema_version', { simple: true }) as number
    // better-sqlite3 runs SQLite in defensive mode, which forbids writing sqlite_schema; lifted for this one statement.
    db.unsafeMode(true)
    try {
      db.pragma('writable_schema = ON')
      db.prepare(`UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'datasets'`).run(before.sql.replace(OLD_CHECK, NEW_CHECK))
      db.pragma(`schema_version = ${version + 1}`)
    } finally {
      db.pragma('writable_schema = OFF')
      db.unsafeMode(false)
    }
    const check = db.pragma('quick_check', { simple: true }) as string
    if (check !== 'ok') throw new Error(`migration 8: quick_check after widening datasets.format failed (${check})`)
  },
}
