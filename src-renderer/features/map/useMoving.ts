import { useEffect, useRef, useState } from 'react'
import { MoveTracker } from '../../map/move-tracker'

/**
 * Whether the map is moving (map/move-tracker.ts), as React state. `onSettle` runs when the map comes to rest, in
 * the same React batch as `moving` turning false, so what it changes (label positions) lands in the same redraw.
 */
export function useMoving(onSettle: () => void): {
  moving: boolean
  /** The map has moved at least once (what only a moving map needs can wait until then). */
  hasMoved: boolean
  tracker: MoveTracker
} {
  const [moving, setMoving] = useState(false)
  const [hasMoved, setHasMoved] = useState(false)
  const settle = useRef(onSettle)
  settle.current = onSettle
  const [tracker] = useState(
    () =>
      new MoveTracker((on) => {
        if (on) setHasMoved(true)
        else settle.current()
        setMoving(on)
      }),
  )
  useEffect(() => () => tracker.dispose(), [tracker])
  return { moving, hasMoved, tracker }
}
