/**
 * One error type for everything the user can cause or fix. `code` is stable (scripts and the
 * renderer branch on it), `message` names the file/line/thing at fault, `hint` says what to do.
 */
export type ErrorCode =
  | 'BAD_INPUT' // a file or argument the user gave us cannot be used as it is
  | 'NOT_FOUND'
  | 'CONFLICT' // e.g. the same file is already being imported
  | 'STORE' // the database cannot be opened or is from a newer version
  | 'CANCELLED'
  | 'INTERNAL'

export class EmbedMapError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'EmbedMapError'
  }

  toJSON(): SerializedError {
    return { code: this.code, message: this.message, hint: this.hint, details: this.details }
  }
}

export interface SerializedError {
  code: ErrorCode
  message: string
  hint?: string
  details?: Record<string, unknown>
}

/** Turns anything thrown into the serializable shape the front doors send back. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof EmbedMapError) return err.toJSON()
  if (err && typeof err === 'object' && 'code' in err && 'message' in err && isErrorCode((err as SerializedError).code)) {
    const e = err as SerializedError
    return { code: e.code, message: e.message, hint: e.hint, details: e.details }
  }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'INTERNAL', message }
}

export function deserializeError(e: SerializedError): EmbedMapError {
  return new EmbedMapError(e.code, e.message, e.hint, e.details)
}

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && ['BAD_INPUT', 'NOT_FOUND', 'CONFLICT', 'STORE', 'CANCELLED', 'INTERNAL'].includes(code)
}
