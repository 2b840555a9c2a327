/**
 * At most `perMinute` request starts in any sliding 60-second window. Waiters are served in order; the
 * wait is abortable so a cancelled job does not sit out the window.
 */
export class MinuteRateLimit {
  private readonly starts: number[] = []
  private queue: Promise<void> = Promise.resolve()

  constructor(
    private readonly perMinute: number | undefined,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number, signal?: AbortSignal) => Promise<void> = sleep,
  ) {}

  acquire(signal?: AbortSignal): Promise<void> {
    if (!this.perMinute) return Promise.resolve()
    const turn = this.queue.then(() => this.waitForSlot(signal))
    this.queue = turn.catch(() => {})
    return turn
  }

  private async waitForSlot(signal?: AbortSignal): Promise<void> {
    const limit = this.perMinute!
    for (;;) {
      const t = this.now()
      while (this.starts.length > 0 && this.starts[0] <= t - 60_000) this.starts.shift()
      if (this.starts.length < limit) {
        this.starts.push(t)
        return
      }
      await this.wait(this.starts[0] + 60_000 - t, signal)
    }
  }
}

/** setTimeout as a promise that rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
