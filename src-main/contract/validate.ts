import type { z } from 'zod'
import { EmbedMapError } from '../errors'
import { channels, isChannelName, type ChannelName, type ChannelParsedInput } from './channels'

/** An error reply names this many problems at most, so a body full of bad entries cannot produce a huge reply. */
export const MAX_REPORTED_ISSUES = 20

export interface IssueSummary {
  /** The first MAX_REPORTED_ISSUES problems. */
  issues: { path: string; message: string }[]
  /** How many there were in all. */
  total: number
  /** `path: message; …`, with "(and N more)" when some were left out. */
  text: string
}

export function summarizeIssues(error: z.ZodError, noPath = '(input)'): IssueSummary {
  const issues = error.issues.slice(0, MAX_REPORTED_ISSUES).map((i) => ({ path: i.path.map(String).join('.') || noPath, message: i.message }))
  const total = error.issues.length
  const more = total > issues.length ? ` (and ${total - issues.length} more)` : ''
  return { issues, total, text: issues.map((i) => `${i.path}: ${i.message}`).join('; ') + more }
}

/** Parses a front door's raw input with the channel's schema; the engine never sees unchecked data. */
export function parseChannelInput<C extends ChannelName>(channel: C, raw: unknown): ChannelParsedInput<C> {
  const result = channels[channel].input.safeParse(raw ?? {})
  if (!result.success) {
    const summary = summarizeIssues(result.error, 'input')
    const problems = summary.issues.map((i) => `${i.path}: ${i.message}`)
    throw new EmbedMapError('BAD_INPUT', `Invalid input for ${channel}: ${summary.text}.`, undefined, { channel, problems, problemCount: summary.total })
  }
  return result.data as ChannelParsedInput<C>
}

export function requireChannel(name: unknown): ChannelName {
  if (!isChannelName(name)) throw new EmbedMapError('NOT_FOUND', `Unknown channel '${String(name)}'.`)
  return name
}
