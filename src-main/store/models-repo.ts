import type { Db } from './connection'

export interface LocalModelRow {
  id: string
  name: string
  path: string
  version: string
  dims: number
  languages: string[]
  addedAt: string
}

/** Local model folders the user registered with `models add` (catalog downloads live in the cache). */
export class ModelsRepo {
  constructor(private readonly db: Db) {}

  list(): LocalModelRow[] {
    const rows = this.db.prepare(`SELECT id, name, path, version, dims, config, added_at FROM models WHERE source = 'local' ORDER BY added_at`).all() as {
      id: string
      name: string
      path: string
      version: string
      dims: number
      config: string
      added_at: string
    }[]
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      path: r.path,
      version: r.version,
      dims: r.dims,
      languages: JSON.parse(r.config).languages ?? [],
      addedAt: r.added_at,
    }))
  }

  get(id: string): LocalModelRow | undefined {
    return this.list().find((m) => m.id === id)
  }

  upsert(m: Omit<LocalModelRow, 'addedAt'>): void {
    this.db
      .prepare(
        `INSERT INTO models (id, name, source, path, version, dims, config) VALUES (?, ?, 'local', ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, path = excluded.path, version = excluded.version, dims = excluded.dims, config = excluded.config`,
      )
      .run(m.id, m.name, m.path, m.version, m.dims, JSON.stringify({ languages: m.languages }))
  }

  remove(id: string): boolean {
    return this.db.prepare(`DELETE FROM models WHERE id = ? AND source = 'local'`).run(id).changes === 1
  }
}
