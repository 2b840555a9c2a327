import type { Db } from './connection'

/**
 * The view saved with a dataset ("save view with dataset"): one JSON document per dataset, in the
 * `datasets.view_state` column the first schema already reserved for it, so no migration is needed.
 */
export class ViewsRepo {
  constructor(private readonly db: Db) {}

  get(datasetId: number): unknown | null {
    const r = this.db.prepare(`SELECT view_state FROM datasets WHERE id = ?`).get(datasetId) as { view_state: string | null } | undefined
    if (!r?.view_state) return null
    try {
      return JSON.parse(r.view_state)
    } catch {
      return null
    }
  }

  /** False when the dataset does not exist. */
  set(datasetId: number, view: unknown | null): boolean {
    return this.db.prepare(`UPDATE datasets SET view_state = ? WHERE id = ?`).run(view === null ? null : JSON.stringify(view), datasetId).changes === 1
  }
}
