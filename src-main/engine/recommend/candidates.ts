/**
 * Which present models to measure, following the article's flowchart: Chinese only → Chinese or multilingual models;
 * several languages → multilingual ones; English → English (MiniLM-like) or multilingual; on a CPU the small ones
 * (under 150 M parameters) — big models are named as suggestions instead. With fewer than two suitable models present,
 * the others are measured too, so the ranking shows what the wrong choice would cost.
 */
import type { ModelEntry } from '../../contract'

const SMALL_PARAMS = 150_000_000
const MAX_CANDIDATES = 4

export interface Candidate {
  modelId: string
  why: string
}

/** Languages of a model: its catalog's, or a guess from its name for a local folder that says nothing. */
function languagesOf(m: ModelEntry): string[] {
  if (m.languages.length) return m.languages
  const name = `${m.id} ${m.displayName}`.toLowerCase()
  if (/multilingual|m3|labse|xlm|paraphrase-multi/.test(name)) return ['multilingual']
  if (/-zh|chinese|text2vec/.test(name)) return ['zh']
  if (/minilm|mpnet|-en\b|-en-|nomic/.test(name)) return ['en']
  return []
}

export function suits(m: ModelEntry, language: string | null): boolean {
  const langs = languagesOf(m)
  if (!language || langs.length === 0) return false
  if (language === 'multilingual') return langs.includes('multilingual')
  return langs.includes(language) || langs.includes('multilingual')
}

export function pickCandidates(
  models: ModelEntry[],
  language: string | null,
  params: (id: string) => number | undefined,
  smallOnly: boolean,
): { candidates: Candidate[]; suggestions: Candidate[] } {
  const present = models.filter((m) => m.downloaded || m.source === 'local')
  const big = (m: ModelEntry) => smallOnly && (params(m.id) ?? 0) > SMALL_PARAMS
  const langLabel = language === 'multilingual' ? 'mixed-language' : (language ?? 'this')
  const suited = present.filter((m) => suits(m, language) && !big(m))
  const candidates: Candidate[] = suited.map((m) => ({ modelId: m.id, why: `suits ${langLabel} text (${languagesOf(m).slice(0, 3).join(', ')})` }))
  if (candidates.length < 2) {
    for (const m of present.filter((x) => !suited.includes(x) && !big(x))) {
      const langs = languagesOf(m)
      candidates.push({ modelId: m.id, why: `measured for comparison (${langs.length ? `made for ${langs.slice(0, 3).join(', ')}` : 'languages unknown'})` })
    }
  }
  const suggestions = models
    .filter((m) => suits(m, language) && (!present.includes(m) || big(m)))
    .map((m) => ({
      modelId: m.id,
      why: big(m) ? 'suits the data but is large for a CPU' : `suits ${langLabel} text; not downloaded (\`embedmap models pull ${m.id}\`)`,
    }))
  return { candidates: candidates.slice(0, MAX_CANDIDATES), suggestions }
}
