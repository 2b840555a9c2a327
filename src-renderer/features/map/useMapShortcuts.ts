import { useEffect, useRef } from 'react'
import { routeShortcut, type MapAction } from '../../map/shortcuts'

/** Routes key presses anywhere on the page to the map's actions (see map/shortcuts.ts for which keys, and when not). */
export function useMapShortcuts(handle: (action: MapAction) => void): void {
  const ref = useRef(handle)
  ref.current = handle
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return
      const target = e.target instanceof HTMLElement ? e.target : null
      const action = routeShortcut({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        shiftKey: e.shiftKey,
        targetTag: target?.tagName,
        targetEditable: target?.isContentEditable,
        targetType: target instanceof HTMLInputElement ? target.type : undefined,
      })
      if (!action) return
      if (action === 'leave-field') {
        target?.blur()
        return
      }
      e.preventDefault()
      ref.current(action)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
