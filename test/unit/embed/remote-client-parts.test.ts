import { describe, expect, it } from 'vitest'
import { approxTokens, planBatches } from '../../../src-main/embed/remote/batches'
import { MinuteRateLimit } from '../../../src-main/embed/remote/rate-limit'
import { displayUrl, redact } from '../../../src-main/embed/remote/redact'
import { backoffMs, isRetryableStatus, retryAfterMs, RETRY_CAP_MS } from '../../../src-main/embed/remote/retry'

describe('remote embedding: request batches', () => {
  it('bounds every request by text count and approximate tokens (characters / 4), keeps order, and sends an oversize text alone', () => {
    const texts = ['a'.repeat(40), 'b'.repeat(400), 'c'.repeat(8), 'd'.repeat(4000), 'e', 'f', 'g']
    const batches = planBatches(texts, 3, 120)
    expect(batches.flat().length).toBe(batches.length * 2)
    expect(batches[0][0]).toBe(0)
    expect(batches.at(-1)![1]).toBe(texts.length)
    for (let i = 1; i < batches.length; i++) expect(batches[i][0]).toBe(batches[i - 1][1])
    for (const [s, e] of batches) {
      expect(e - s).toBeLessThanOrEqual(3)
      const tokens = texts.slice(s, e).reduce((n, t) => n + approxTokens(t), 0)
      if (e - s > 1) expect(tokens).toBeLessThanOrEqual(120)
    }
    expect(batches).toContainEqual([3, 4]) // the 1000-token text on its own
    expect(planBatches([], 8, 100)).toEqual([])
  })
})

describe('remote embedding: retries', () => {
  it('backs off exponentially with jitter inside [ceiling/2, ceiling], capped', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(RETRY_CAP_MS, 500 * 2 ** attempt)
      expect(backoffMs(attempt, () => 0)).toBe(ceiling / 2)
      expect(backoffMs(attempt, () => 0.999999)).toBeCloseTo(ceiling, -1)
    }
    const spread = new Set(Array.from({ length: 20 }, () => backoffMs(3)))
    expect(spread.size).toBeGreaterThan(5)
  })

  it('reads Retry-After as seconds or an HTTP date, ignores nonsense, caps at 10 minutes', () => {
    const now = Date.parse('2026-12-07T12:00:00Z')
    expect(retryAfterMs('2', now)).toBe(2000)
    expect(retryAfterMs('0.5', now)).toBe(500)
    expect(retryAfterMs('Mon, 07 Dec 2026 12:00:30 GMT', now)).toBe(30_000)
    expect(retryAfterMs('Mon, 07 Dec 2026 11:00:00 GMT', now)).toBe(0)
    expect(retryAfterMs('soon', now)).toBeNull()
    expect(retryAfterMs(null, now)).toBeNull()
    expect(retryAfterMs('86400', now)).toBe(600_000)
  })

  it('retries timeouts, rate limits and server errors, not client errors', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true)
    expect([400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false)
  })
})

describe('remote embedding: per-minute limit', () => {
  it('starts at most N requests in any 60 s window and lets the next one through when the window moves', async () => {
    let t = 0
    const waits: number[] = []
    // A clock of our own: each wait is recorded and returns at once, so the loop re-reads the clock.
    const limit = new MinuteRateLimit(
      3,
      () => t,
      async (ms) => {
        waits.push(ms)
        await new Promise((r) => setTimeout(r, 5))
      },
    )
    await limit.acquire()
    t = 10_000
    await limit.acquire()
    await limit.acquire()
    let fourth = false
    const p = limit.acquire().then(() => (fourth = true))
    await new Promise((r) => setTimeout(r, 20))
    expect(fourth).toBe(false)
    expect(waits[0]).toBe(50_000) // until the first start is 60 s old
    t = 60_001 // the first start leaves the window
    await p
    expect(fourth).toBe(true)
  })

  it('a cancelled wait stops at once', async () => {
    const limit = new MinuteRateLimit(1, () => 0) // real sleep: the abort must cut a 60 s wait
    await limit.acquire()
    const ac = new AbortController()
    const waiting = limit.acquire(ac.signal)
    ac.abort(new Error('cancelled'))
    await expect(waiting).rejects.toThrow('cancelled')
  })
})

describe('remote embedding: secrets', () => {
  it('scrubs the key wherever it appears and user:password from URLs', () => {
    expect(redact('Incorrect API key provided: Bearer sk-abc123xyz. (sk-abc123xyz)', 'sk-abc123xyz')).toBe(
      'Incorrect API key provided: Bearer [redacted]. ([redacted])',
    )
    expect(redact('GET https://bob:hunter2@host:8080/v1 failed', undefined)).toBe('GET https://[redacted]@host:8080/v1 failed')
    expect(displayUrl('https://bob:hunter2@host:8080/v1/')).toBe('https://host:8080/v1')
  })
})
