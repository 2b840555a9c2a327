import type { Job } from '../contract'
import type { Engine } from '../engine/engine'
import { EmbedMapError, deserializeError } from '../errors'
import type { JobRow } from '../store/jobs-repo'
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

/**
 * Follows a job to its end with a progress line, then returns its final row; a failure is thrown as
 * the job's own error, and any other end (cancelled, interrupted) as CANCELLED with `whenStopped`.
 */
export async function waitForJob(engine: Engine, jobId: number, showProgress: boolean, whenStopped: string): Promise<JobRow> {
  const progress = progressPrinter(showProgress)
  const unsubscribe = engine.subscribe((e) => e.type === 'job' && e.job.id === jobId && progress.update(e.job))
  const finished = await engine.runner.wait(jobId)
  unsubscribe()
  progress.end()
  if (finished.state === 'failed' && finished.error) throw deserializeError(finished.error)
  if (finished.state !== 'succeeded') throw new EmbedMapError('CANCELLED', whenStopped.replace('{state}', finished.state))
  return finished
}
