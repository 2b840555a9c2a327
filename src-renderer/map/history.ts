/**
 * Undo/redo as a pure value: the states before (past) and after (future) the current one. The caller keeps the
 * current state itself and records it just before each change the user may want to take back.
 */
export interface History<T> {
  past: readonly T[]
  future: readonly T[]
}

export const EMPTY_HISTORY: History<never> = { past: [], future: [] }

/** Steps kept: enough for a session of selecting and filtering, bounded so a long session does not grow without end. */
export const HISTORY_LIMIT = 100

/** Call before changing the state: `current` becomes undoable, and a new change drops what could be redone. */
export function record<T>(h: History<T>, current: T, limit = HISTORY_LIMIT): History<T> {
  const past = [...h.past, current]
  return { past: past.length > limit ? past.slice(past.length - limit) : past, future: [] }
}

/** The state to go back to and the history after it, or null when there is nothing to undo. */
export function undo<T>(h: History<T>, current: T): { value: T; history: History<T> } | null {
  if (!h.past.length) return null
  return { value: h.past[h.past.length - 1], history: { past: h.past.slice(0, -1), future: [current, ...h.future] } }
}

export function redo<T>(h: History<T>, current: T): { value: T; history: History<T> } | null {
  if (!h.future.length) return null
  return { value: h.future[0], history: { past: [...h.past, current], future: h.future.slice(1) } }
}
