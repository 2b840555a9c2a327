import { RemoteModelSchema, type RemoteModel } from '../contract/schemas'
import type { Db } from './connection'

export interface LocalModelRow {
  id: string
  name: string
  path: string
  version: string
  dims: number
  languages: string[]
  /**
   * Set for an embedding server. Stored as a `local` row with the server in its config rather than a
   * new `source` value: that would need a table rebuild to change migration 1's CHECK, and a remote
   * model behaves like a local one everywhere else (an id the vectors are stored under). `path` holds
   * the URL without credentials; the API key is never stored, only its variable's name.
   */
  remote?: RemoteModel
  addedAt: string
  /** 'local': a folder the user added; 'finetuned': a model a fine-tuning run made (its folder holds embedmap-model.json). */
  source: 'local' | 'finetuned'
}

/** Local model folders: registered with `models add`, or made by a fine-tuning run (catalog downloads live in the cache). */
export class ModelsRepo {
  constructor(private readonly db: Db) {}

  list(): LocalModelRow[] {
    const rows = this.db
      .prepare(`SELECT id, name, source, path, version, dims, config, added_at FROM models WHERE source IN ('local', 'finetuned') ORDER BY added_at`)
      .all() as {
      id: string
      name: string
      source: 'local' | 'finetuned'
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
      remote: readRemote(JSON.parse(r.config).remote),
      addedAt: r.added_at,
      source: r.source,
    }))
  }

  get(id: string): LocalModelRow | undefined {
    return this.list().find((m) => m.id === id)
  }

  upsert(m: Omit<LocalModelRow, 'addedAt' | 'source'> & { source?: LocalModelRow['source'] }): void {
    this.db
      .prepare(
        `INSERT INTO models (id, name, source, path, version, dims, config) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, source = excluded.source, path = excluded.path, version = excluded.version,
           dims = excluded.dims, config = excluded.config`,
      )
      .run(m.id, m.name, m.source ?? 'local', m.path, m.version, m.dims, JSON.stringify({ languages: m.languages, ...(m.remote ? { remote: m.remote } : {}) }))
  }

  remove(id: string): boolean {
    return this.db.prepare(`DELETE FROM models WHERE id = ? AND source IN ('local', 'finetuned')`).run(id).changes === 1
  }
}

/** A stored server config that no longer parses (written by another version) reads as absent, not as a crash. */
function readRemote(raw: unknown): RemoteModel | undefined {
  if (raw === undefined) return undefined
  const parsed = RemoteModelSchema.safeParse(raw)
  return parsed.success ? parsed.data : undefined
}
