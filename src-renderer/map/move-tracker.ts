/** How long after a drag's release the map counts as at rest again (a quick second drag keeps the moving look). */
export const SETTLE_MS = 150
/**
 * How long a wheel zoom or a flight must be still first: wheel notches come a frame or more apart, and a frame of
 * the moving share takes ~0.15-0.2 s in software WebGL, so a shorter wait would draw every point between notches.
 */
export const WHEEL_SETTLE_MS = 300

/** deck.gl's interaction flags, as its controller reports them. */
export interface Interaction {
  isDragging?: boolean
  isPanning?: boolean
  isZooming?: boolean
  isRotating?: boolean
  inTransition?: boolean
}

/** True when a view change came from the user or a transition, not from a resize or a new initial view. */
export function isMove(s: Interaction | undefined): boolean {
  return Boolean(s && (s.isDragging || s.isPanning || s.isZooming || s.isRotating || s.inTransition))
}

/**
 * Whether the map is moving: from the first view change of a drag, wheel zoom or flight until `settleMs` after
 * the button's release, or until the view has been still for `wheelSettleMs` (no button held). Pure (no React, no deck.gl): fed deck.gl's two callbacks.
 * - A pressed button that has not moved the view does not count: a click must not switch the map to its moving
 *   look and back (in software WebGL each switch back redraws every point).
 * - Holding the button after a drag keeps it moving, so resuming the drag does not wait behind a full redraw.
 * - A wheel zoom reports no end (deck.gl sets and clears isZooming in one go): the still time ends it.
 */
export class MoveTracker {
  private moving = false
  private held = false
  private timer: ReturnType<typeof setTimeout> | undefined

  /** `onChange(true)` when the map starts moving, `onChange(false)` when it comes to rest. */
  constructor(
    private readonly onChange: (moving: boolean) => void,
    private readonly settleMs = SETTLE_MS,
    private readonly wheelSettleMs = WHEEL_SETTLE_MS,
  ) {}

  /** From deck.gl's onViewStateChange. */
  viewChanged(s: Interaction | undefined): void {
    if (!isMove(s)) return
    if (!this.moving) {
      this.moving = true
      this.onChange(true)
    }
    // While a button is held the release arms the timer; otherwise (wheel, flight) the view must stay still.
    if (!this.held) this.settleLater(this.wheelSettleMs)
  }

  /** From deck.gl's onInteractionStateChange (its merged flags). */
  interaction(s: Interaction): void {
    const wasHeld = this.held
    this.held = Boolean(s.isDragging)
    if (wasHeld && !this.held && this.moving) this.settleLater(this.settleMs)
  }

  dispose(): void {
    clearTimeout(this.timer)
  }

  private settleLater(ms: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      // Still held: the release re-arms the timer.
      if (this.held || !this.moving) return
      this.moving = false
      this.onChange(false)
    }, ms)
  }
}
