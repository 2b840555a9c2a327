/** A cluster's display label: the user's name when it has one, else its top three keywords. */
export function clusterLabel(c: { name: string | null; keywords: { term: string }[]; idx: number }): string {
  if (c.name) return c.name
  const words = c.keywords.slice(0, 3).map((k) => k.term)
  return words.length ? words.join(' · ') : `cluster ${c.idx}`
}
