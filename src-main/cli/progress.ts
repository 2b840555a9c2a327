import type { Job } from '../contract'
import type { CliClient } from './client'
import { EmbedMapError, deserializeError } from '../errors'
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

const ENDED: ReadonlySet<Job['state']> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted'])
/** Events say when a job moves; a slow poll catches an end that happened in another process. */
const POLL_MS = 500

/**
 * Follows a job to its end with a progress line, then returns its final view; a failure is thrown as the job's own
 * error, and any other end (cancelled, interrupted) as CANCELLED with `whenStopped`.
 */
export async function waitForJob(client: CliClient, jobId: number, showProgress: boolean, whenStopped: string): Promise<Job> {
  const progress = progressPrinter(showProgress)
  let wake: () => void = () => {}
  const unsubscribe = client.subscribe((e) => {
    if (e.type !== 'job' || e.job.id !== jobId) return
    progress.update(e.job)
    if (ENDED.has(e.job.state)) wake()
  })
  let finished: Job
  try {
    for (;;) {
      const job = await client.call('jobs.get', { id: jobId })
      if (ENDED.has(job.state)) {
        finished = job
        break
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POLL_MS)
        wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
    }
  } finally {
    unsubscribe()
    progress.end()
  }
  if (finished.state === 'failed' && finished.error) throw deserializeError(finished.error)
  if (finished.state !== 'succeeded') throw new EmbedMapError('CANCELLED', whenStopped.replace('{state}', finished.state))
  return finished
}
