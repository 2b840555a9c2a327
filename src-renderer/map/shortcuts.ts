/**
 * Keyboard shortcuts of the map, as a pure routing function: a key event in, an action (or null) out. Keys typed into
 * a text field are never shortcuts; Escape there only leaves the field (so it never clears a selection by surprise).
 */
export type MapAction =
  | 'focus-search'
  | 'clear'
  | 'leave-field'
  | 'lasso'
  | 'box'
  | 'pan'
  | 'select-all'
  | 'toggle-clusters'
  | 'toggle-anomalies'
  | 'fit'
  | 'undo'
  | 'redo'
  | 'help'
  | 'toggle-fullscreen'

export interface KeyLike {
  key: string
  ctrlKey?: boolean
  metaKey?: boolean
  altKey?: boolean
  shiftKey?: boolean
  /** Tag name of the focused element (event.target), upper- or lower-case. */
  targetTag?: string
  targetEditable?: boolean
  /** For INPUT: its type (checkbox, range and buttons take no text, so shortcuts still work there). */
  targetType?: string
}

const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'color', 'file'])

/** True when the key press goes into a text field. */
export function isTyping(e: Omit<KeyLike, 'key'>): boolean {
  if (e.targetEditable) return true
  const tag = e.targetTag?.toUpperCase()
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has((e.targetType ?? 'text').toLowerCase())
  return false
}

/** The help line shown in the UI, one entry per shortcut. */
export const SHORTCUT_HELP: readonly { keys: string; does: string }[] = [
  { keys: '/', does: 'search' },
  { keys: 'L', does: 'lasso' },
  { keys: 'B', does: 'box select' },
  { keys: 'V', does: 'pan' },
  { keys: 'Ctrl+A', does: 'select all' },
  { keys: 'C', does: 'clusters' },
  { keys: 'A', does: 'anomalies' },
  { keys: 'F / 0 / Home', does: 'fit the map to the data' },
  { keys: 'M', does: 'map full screen (hide the panels)' },
  { keys: 'Ctrl+Z', does: 'undo a selection or filter change' },
  { keys: 'Ctrl+Shift+Z / Ctrl+Y', does: 'redo' },
  { keys: '?', does: 'this help' },
  { keys: 'Esc', does: 'clear (or close this help)' },
]

export function routeShortcut(e: KeyLike): MapAction | null {
  if (e.key === 'Escape') return isTyping(e) ? 'leave-field' : 'clear'
  if (isTyping(e)) return null
  const mod = e.ctrlKey || e.metaKey
  if (mod && !e.altKey && e.key.toLowerCase() === 'a') return 'select-all'
  // Shift turns "z" into "Z": the letter, not its case, says which key it was.
  if (mod && !e.altKey && e.key.toLowerCase() === 'z') return e.shiftKey ? 'redo' : 'undo'
  if (mod && !e.altKey && e.key.toLowerCase() === 'y') return 'redo'
  if (mod || e.altKey) return null
  switch (e.key) {
    case 'f':
    case 'F':
    case '0':
    case 'Home':
      return 'fit'
    case '?':
      return 'help'
    case 'm':
    case 'M':
      return 'toggle-fullscreen'
    case '/':
      return 'focus-search'
    case 'l':
    case 'L':
      return 'lasso'
    case 'b':
    case 'B':
      return 'box'
    case 'v':
    case 'V':
      return 'pan'
    case 'c':
    case 'C':
      return 'toggle-clusters'
    case 'a':
    case 'A':
      return 'toggle-anomalies'
    default:
      return null
  }
}
