import type { SerializedError } from './types'

/** What every failed call throws: a stable code, a readable message and, when the engine has one, a hint. */
export class ApiError extends Error {
  readonly code: SerializedError['code']
  readonly hint?: string
  readonly details?: Record<string, unknown>

  constructor(e: SerializedError) {
    super(e.message)
    this.name = 'ApiError'
    this.code = e.code
    this.hint = e.hint
    this.details = e.details
  }
}

/** Anything thrown, as something fit to show a person (never a stack trace). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof DOMException && err.name === 'AbortError') return new ApiError({ code: 'CANCELLED', message: 'Cancelled' })
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'Something went wrong'
  return new ApiError({ code: 'INTERNAL', message })
}
