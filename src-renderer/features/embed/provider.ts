import type { ProviderInfoView } from '../../../src-main/contract'

type Device = ProviderInfoView['requested']

const NAMES: Record<Device, string> = { auto: 'auto', cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'Core ML' }

export function deviceName(d: Device): string {
  return NAMES[d] ?? d
}

/**
 * What ran the model and, when it is not what was asked for, why: "CPU — asked for auto: the CUDA provider is not
 * installed". A plain request that was met reads "CPU" (or "CPU (auto)" when the engine chose).
 */
export function formatProvider(p: ProviderInfoView): string {
  const { used, note } = providerParts(p)
  if (note === null) return used
  return p.requested === 'auto' && !p.fallbackReason ? `${used} ${note}` : `${used} — ${note}`
}

/** The device that ran, and the note that goes with it ("(auto)", "asked for CUDA: …"), for separate styling. */
export function providerParts(p: ProviderInfoView): { used: string; note: string | null } {
  const used = deviceName(p.used)
  if (p.fallbackReason) return { used, note: `asked for ${deviceName(p.requested)}: ${p.fallbackReason}` }
  if (p.requested === 'auto') return { used, note: '(auto)' }
  if (p.requested !== p.used) return { used, note: `asked for ${deviceName(p.requested)}` }
  return { used, note: null }
}

/** True when the model ran somewhere other than what was asked for (auto counts as met unless a reason was given). */
export function isFallback(p: ProviderInfoView): boolean {
  return p.fallbackReason !== null || (p.requested !== 'auto' && p.requested !== p.used)
}

/**
 * One calm note for the whole list instead of a warning on every card: the distinct reasons the sets ran somewhere
 * other than asked ("asked for auto: the CUDA provider is not installed"), or null when none did.
 */
export function fallbackNote(providers: readonly (ProviderInfoView | null)[]): string | null {
  const reasons = new Set<string>()
  for (const p of providers) if (p && isFallback(p)) reasons.add(providerParts(p).note ?? '')
  if (reasons.size === 0) return null
  return `Some embeddings ran on the CPU (${[...reasons].filter(Boolean).join('; ')}). They are correct, only slower to make.`
}
