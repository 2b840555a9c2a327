/**
 * Nesting depth of JSON text, found by a loop rather than recursion: a line of 100,000 nested arrays parses (V8's
 * JSON.parse does not recurse) but every recursive walk of the value afterwards, JSON.stringify included, overflows
 * the stack. True once the depth passes `limit` (it stops there).
 */
export function jsonDepthOver(text: string, limit: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92 /* \ */) i++
      else if (c === 34 /* " */) inString = false
    } else if (c === 34) inString = true
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--
  }
  return false
}

/** Deeper than any real record; well inside what JSON.stringify and friends can walk. */
export const MAX_JSON_DEPTH = 256
