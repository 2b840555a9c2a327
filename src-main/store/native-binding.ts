import fs from 'node:fs'
import path from 'node:path'

/**
 * better-sqlite3 is built against Node's ABI for the CLI, the server and the tests. Electron needs a
 * build against its own ABI; `npm start` makes one under .cache/electron-native/ (scripts/electron-native.js)
 * and we point better-sqlite3 at it only when running inside Electron, so both builds live side by side.
 */
export function electronSqliteBinding(): string | undefined {
  const override = process.env.EMBEDMAP_SQLITE_BINDING
  if (override) return override
  if (!process.versions.electron) return undefined
  const candidates = [
    path.join(process.cwd(), '.cache', 'electron-native', 'better_sqlite3.node'),
    path.join((process as { resourcesPath?: string }).resourcesPath ?? '', 'electron-native', 'better_sqlite3.node'),
  ]
  return candidates.find((p) => fs.existsSync(p))
}
