import type { Database } from 'better-sqlite3'

export interface Migration {
  /** Strictly increasing; stored in PRAGMA user_version. */
  version: number
  name: string
  /** SQL script, or a function for steps that need to move data. Runs inside the migration transaction. */
  up: string | ((db: Database) => void)
}
