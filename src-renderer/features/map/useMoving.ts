import { useEffect, useRef, useState } from 'react'
import { flushSync } from 'react-dom'
import { MoveTracker } from '../../map/move-tracker'

/**
 * Whether the map is moving (map/move-tracker.ts), as React state. `onSettle` runs when the map comes to rest, in
 * the same React batch as `moving` turning false, so what it changes (label positions) lands in the same redraw.
 * The start is committed at once (flushSync): deck.gl draws the moved view in the animation frame that follows the
 * pointer event, before React's batched render would run, and that first frame would otherwise draw every point.
 */
export function useMoving(onSettle: () => void): {
  moving: boolean
  tracker: MoveTracker
} {
  const [moving, setMoving] = useState(false)
  const settle = useRef(onSettle)
  settle.current = onSettle
  const [tracker] = useState(
    () =>
      new MoveTracker((on) => {
        if (on) flushSync(() => setMoving(true))
        else {
          settle.current()
          setMoving(false)
        }
      }),
  )
  useEffect(() => () => tracker.dispose(), [tracker])
  return { moving, tracker }
}
