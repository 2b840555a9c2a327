import Database from 'better-sqlite3'
import fs from 'node:fs'
import path from 'node:path'
import { EmbedMapError } from '../errors'
import { latestSchemaVersion, migrations } from './migrations'
import { electronSqliteBinding } from './native-binding'

export type Db = Database.Database

/** 'EMAP': marks a SQLite file as ours, so we never migrate someone else's database. */
const APPLICATION_ID = 0x454d4150

export interface OpenOptions {
  readonly?: boolean
  /** Skip migrations (worker threads open a database the parent has already migrated). */
  migrate?: boolean
}

/**
 * Opens (creating if needed) a workspace database: WAL so the UI reads while a worker writes,
 * foreign keys on, a busy timeout so a writer in another thread waits instead of failing.
 */
export function openStore(file: string, opts: OpenOptions = {}): Db {
  const resolved = path.resolve(file)
  if (!opts.readonly) fs.mkdirSync(path.dirname(resolved), { recursive: true })
  let db: Db
  try {
    db = new Database(resolved, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false, nativeBinding: electronSqliteBinding() })
  } catch (err) {
    throw storeError(resolved, err)
  }
  try {
    db.pragma('busy_timeout = 10000')
    checkIsOurs(db, resolved)
    if (!opts.readonly) {
      // Switching to WAL needs the file to itself, and SQLite answers BUSY at once rather than calling the busy
      // handler: a second process creating the same workspace must wait here, not fail.
      retryWhileBusy(() => db.pragma('journal_mode = WAL'))
      db.pragma('synchronous = NORMAL')
    }
    db.pragma('foreign_keys = ON')
    if (opts.migrate !== false && !opts.readonly) migrate(db, resolved)
    else checkVersion(db, resolved)
  } catch (err) {
    db.close()
    throw err instanceof EmbedMapError ? err : storeError(resolved, err)
  }
  return db
}

/** Retries `fn` while SQLite says the database is busy, for up to `ms`: for the few steps the busy timeout does not cover. */
function retryWhileBusy<T>(fn: () => T, ms = 10_000): T {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      return fn()
    } catch (err) {
      const code = (err as { code?: string }).code ?? ''
      if (!code.startsWith('SQLITE_BUSY') || Date.now() > deadline) throw err
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20)
    }
  }
}

function checkIsOurs(db: Db, file: string): void {
  // Reading the header is where SQLite notices a file that is not a database at all. Both reads in one read
  // transaction: another process may commit a new workspace's tables and id between two separate reads.
  const { appId, tables } = db.transaction(() => ({
    appId: db.pragma('application_id', { simple: true }) as number,
    tables: db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number },
  }))()
  if (appId !== APPLICATION_ID && tables.n > 0) {
    throw new EmbedMapError(
      'STORE',
      `${file} is a SQLite database, but not an EmbedMap workspace.`,
      'Pass another path with --db (or EMBEDMAP_DB), or move this file away.',
    )
  }
}

function checkVersion(db: Db, file: string): number {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > latestSchemaVersion) {
    throw new EmbedMapError(
      'STORE',
      `${file} was written by a newer EmbedMap (schema version ${version}; this version knows up to ${latestSchemaVersion}).`,
      'Update EmbedMap, or open another workspace with --db PATH.',
      { file, version, latest: latestSchemaVersion },
    )
  }
  return version
}

/**
 * Runs every pending migration in one transaction: a failure leaves the file as it was. BEGIN IMMEDIATE takes the
 * write lock up front (waiting up to busy_timeout for another process), and the version is read again under it: two
 * processes creating the same new workspace used to both see version 0 and both create the tables.
 */
export function migrate(db: Db, file = db.name): void {
  if (!migrations.some((m) => m.version > checkVersion(db, file))) return
  db.transaction(() => {
    const current = checkVersion(db, file)
    for (const m of migrations.filter((m) => m.version > current)) {
      if (typeof m.up === 'string') db.exec(m.up)
      else m.up(db)
      db.pragma(`user_version = ${m.version}`)
    }
    db.pragma(`application_id = ${APPLICATION_ID}`)
  }).immediate()
}

function storeError(file: string, err: unknown): EmbedMapError {
  const code = (err as { code?: string })?.code ?? ''
  const msg = err instanceof Error ? err.message : String(err)
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /not a database|malformed/i.test(msg)) {
    return new EmbedMapError(
      'STORE',
      `${file} is corrupt or is not a database (${msg}).`,
      'Restore it from a backup, or start a new workspace with --db PATH (the damaged file is left untouched).',
      { file },
    )
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'EACCES') {
    return new EmbedMapError('STORE', `Cannot open ${file} (${msg}).`, 'Check that the folder exists and is writable, or pass --db PATH.', { file })
  }
  return new EmbedMapError('STORE', `Cannot use database ${file}: ${msg}`, undefined, { file })
}
