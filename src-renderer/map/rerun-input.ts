import type { z } from 'zod'
import type { AnalyzeStartSchema } from '../../src-main/contract'

type StartInput = z.input<typeof AnalyzeStartSchema>

/** What the Run form lets the user change. */
export type RerunEdits = Partial<Pick<StartInput, 'k' | 'anomaly' | 'nNeighbors' | 'minDist' | 'clusterMethod'>>

const copied = ['setId', 'k', 'kMin', 'kMax', 'anomaly', 'nNeighbors', 'minDist', 'umapEngine', 'seed', 'duplicateThreshold', 'clusterMethod'] as const

/**
 * The analyze.start input for a re-run: every setting of the shown run (its stored params, including the vectors it
 * used and its flag rule) with only the user's edits on top, so nothing the user did not touch changes silently.
 */
export function rerunInput(datasetId: number, params: Record<string, unknown>, edits: RerunEdits): StartInput {
  const out: Record<string, unknown> = { datasetId }
  for (const key of copied) if (params[key] !== undefined) out[key] = params[key]
  const flag = params.flag as { by?: string; fraction?: unknown; score?: unknown } | undefined
  if (flag?.by === 'contamination' && typeof flag.fraction === 'number') out.contamination = flag.fraction
  if (flag?.by === 'threshold' && typeof flag.score === 'number') out.threshold = flag.score
  for (const [key, value] of Object.entries(edits)) if (value !== undefined) out[key] = value
  return out as StartInput
}
