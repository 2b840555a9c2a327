import envPaths from 'env-paths'
import path from 'node:path'

const dirs = envPaths('EmbedMap', { suffix: '' })

/** Where the workspace database lives: --db, then EMBEDMAP_DB, then the user's data directory. */
export function resolveDbPath(explicit?: string): string {
  if (explicit) return path.resolve(explicit)
  if (process.env.EMBEDMAP_DB) return path.resolve(process.env.EMBEDMAP_DB)
  return path.join(dirs.data, 'workspace.sqlite')
}

/** Uploaded files (browser mode) and other scratch space, beside the database. */
export function uploadsDir(dbPath: string): string {
  return path.join(path.dirname(dbPath), 'uploads')
}

export function cacheDir(): string {
  return process.env.EMBEDMAP_CACHE ? path.resolve(process.env.EMBEDMAP_CACHE) : dirs.cache
}
