import type { CDPSession } from 'playwright-core'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export interface HotFunction {
  fn: string
  where: string
  selfMs: number
}

/**
 * Where a page's main thread spends its time during `action`: a CDP CPU profile, summarised as the functions with
 * the most self time. Time the renderer waits on the GPU process (SwiftShader) shows up in the WebGL call that waits.
 */
export async function profileTop(cdp: CDPSession, action: () => Promise<void>, top = 15): Promise<{ totalMs: number; hot: HotFunction[] }> {
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
  await cdp.send('Profiler.start')
  let failure: unknown
  await action().catch((err) => (failure = err))
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile }
  if (failure) throw failure
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000))
  const byFn = new Map<string, HotFunction>()
  let totalMs = 0
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0
    totalMs += ms
    const { functionName, url, lineNumber } = node.callFrame
    if (functionName === '(idle)' || functionName === '(program)') continue
    const where = url ? `${url.split('/').pop()}:${lineNumber + 1}` : ''
    const key = `${functionName}@${where}`
    const entry = byFn.get(key) ?? { fn: functionName || '(anonymous)', where, selfMs: 0 }
    entry.selfMs += ms
    byFn.set(key, entry)
  }
  const hot = [...byFn.values()]
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top)
    .map((h) => ({ ...h, selfMs: Math.round(h.selfMs * 10) / 10 }))
  return { totalMs: Math.round(totalMs), hot }
}
