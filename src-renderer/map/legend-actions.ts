/**
 * What a click on a legend entry does. Clusters: a click hides or shows that cluster; Shift+click isolates it (hides
 * every other), and Shift+click on the only visible one shows all again. Categories of a colouring column: a click
 * isolates the category with a filter on that column (others dim), a second click removes that filter.
 */
export function toggleCluster(hidden: ReadonlySet<number>, idx: number): Set<number> {
  const next = new Set(hidden)
  if (!next.delete(idx)) next.add(idx)
  return next
}

export function isolateCluster(all: readonly number[], hidden: ReadonlySet<number>, idx: number): Set<number> {
  const alreadyIsolated = !hidden.has(idx) && all.every((c) => c === idx || hidden.has(c))
  return alreadyIsolated ? new Set() : new Set(all.filter((c) => c !== idx))
}

export interface CategoryFilter {
  type: 'categorical'
  column: number
  include: string[]
}

/** The filters after clicking category `value` of `column` in the legend. */
export function isolateCategory<F extends { column: number }>(filters: readonly F[], column: number, value: string): (F | CategoryFilter)[] {
  const mine = filters.find((f) => f.column === column) as (F & Partial<CategoryFilter>) | undefined
  const isolated = mine?.type === 'categorical' && mine.include?.length === 1 && mine.include[0] === value
  const others = filters.filter((f) => f.column !== column)
  return isolated ? others : [...others, { type: 'categorical', column, include: [value] }]
}
