/**
 * Backoff for a request that may pass on a later try: exponential with "equal jitter" (half the ceiling
 * fixed, half random: clients hitting one server spread out, and no try comes back at once), and the server's own `Retry-After` when it
 * sends one (seconds or an HTTP date), which wins over our guess.
 */
export const RETRY_BASE_MS = 500
export const RETRY_CAP_MS = 30_000

export function backoffMs(attempt: number, random: () => number = Math.random, baseMs = RETRY_BASE_MS): number {
  const ceiling = Math.min(RETRY_CAP_MS, baseMs * 2 ** attempt)
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/** Milliseconds the server asked us to wait, or null when the header is absent or unreadable. Capped at 10 minutes. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (!header) return null
  const s = header.trim()
  if (/^\d+(\.\d+)?$/.test(s)) return Math.min(600_000, Math.round(Number(s) * 1000))
  const date = Date.parse(s)
  if (Number.isNaN(date)) return null
  return Math.min(600_000, Math.max(0, date - now))
}

/** HTTP statuses worth another try: timeouts, rate limits and server-side failures. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500
}
