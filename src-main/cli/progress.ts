import type { Job } from '../contract'
import { formatCount } from './output'

/** One self-overwriting progress line on a terminal; silent when stderr is not a terminal or output is JSON. */
export function progressPrinter(enabled: boolean): { update(job: Job): void; end(): void } {
  const tty = enabled && process.stderr.isTTY
  let last = 0
  let shown = false
  return {
    update(job) {
      if (!tty) return
      const now = Date.now()
      if (now - last < 100 && job.state === 'running') return
      last = now
      const pct = job.total ? ` ${Math.min(100, (100 * job.done) / job.total).toFixed(1)}%` : ''
      const rate = job.rate ? `  ${formatCount(Math.round(job.rate))}/s` : ''
      const eta = job.etaSeconds !== null && job.state === 'running' ? `  ETA ${Math.ceil(job.etaSeconds)} s` : ''
      process.stderr.write(`\r${job.title}: ${formatCount(job.done)}${job.total ? ` / ~${formatCount(job.total)}` : ''}${pct}${rate}${eta}\x1b[K`)
      shown = true
    },
    end() {
      if (shown) process.stderr.write('\n')
    },
  }
}
