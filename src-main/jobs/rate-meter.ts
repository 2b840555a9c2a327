/** Items per second over the last few seconds: steadier than an average since start, quicker to follow changes. */
export class RateMeter {
  private readonly samples: { t: number; done: number }[] = []

  constructor(private readonly windowMs = 5000) {}

  add(done: number, t = Date.now()): void {
    this.samples.push({ t, done })
    while (this.samples.length > 2 && t - this.samples[0].t > this.windowMs) this.samples.shift()
  }

  rate(): number | null {
    if (this.samples.length < 2) return null
    const a = this.samples[0]
    const b = this.samples[this.samples.length - 1]
    const dt = (b.t - a.t) / 1000
    return dt > 0.2 ? Math.max(0, (b.done - a.done) / dt) : null
  }
}
