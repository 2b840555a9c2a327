/**
 * Where an HTML tooltip goes beside the pointer so that it stays inside the canvas: towards the side with more room,
 * capped to that room (it scrolls or clips inside, never past the edge), and shifted along the edge when narrow.
 */
export interface TooltipBox {
  left?: number
  right?: number
  top?: number
  bottom?: number
  maxWidth: number
  maxHeight: number
}

export const TOOLTIP_OFFSET = 14
const EDGE = 6

export function tooltipPlacement(x: number, y: number, width: number, height: number, preferredWidth = 360): TooltipBox {
  const roomRight = width - x - TOOLTIP_OFFSET - EDGE
  const roomLeft = x - TOOLTIP_OFFSET - EDGE
  const roomBelow = height - y - TOOLTIP_OFFSET - EDGE
  const roomAbove = y - TOOLTIP_OFFSET - EDGE
  const toRight = roomRight >= Math.min(preferredWidth, roomLeft) || roomRight >= roomLeft
  const below = roomBelow >= roomAbove
  const horizontalRoom = Math.max(toRight ? roomRight : roomLeft, 0)
  // Neither side fits the width: pin to the canvas's far edge and use the whole width instead.
  const horizontal =
    horizontalRoom < Math.min(preferredWidth, width - 2 * EDGE) / 2
      ? { left: EDGE, maxWidth: width - 2 * EDGE }
      : toRight
        ? { left: x + TOOLTIP_OFFSET, maxWidth: horizontalRoom }
        : { right: width - x + TOOLTIP_OFFSET, maxWidth: horizontalRoom }
  const vertical = below
    ? { top: y + TOOLTIP_OFFSET, maxHeight: Math.max(roomBelow, 0) }
    : { bottom: height - y + TOOLTIP_OFFSET, maxHeight: Math.max(roomAbove, 0) }
  return { ...horizontal, maxWidth: Math.min(horizontal.maxWidth, preferredWidth), ...vertical }
}
