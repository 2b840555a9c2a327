import type { Device } from '@luma.gl/core'

type ResizeHandler = NonNullable<Device['props']['onResize']>
type Context = Parameters<ResizeHandler>[0]

/** What a frame depends on: the layout size (deck.gl's viewport) and the drawing buffer it was drawn into. */
const sizesOf = (ctx: Context) => JSON.stringify([ctx.getCSSSize(), ctx.getDrawingBufferSize()])

/**
 * deck.gl redraws on every ResizeObserver callback, and the observer's first callback arrives just after the first
 * frame, with the size that frame was drawn at. In software WebGL that second draw of every point held the first
 * frame back from the screen (1M points: ~0.6 s). This passes a resize on to deck.gl only when the canvas's CSS
 * size or drawing buffer differs from the last frame's. Call from onDeviceInitialized (deck.gl
 * installs its handler on the device before that) and call `drawn()` before each frame (onBeforeRender).
 */
export function skipUnchangedResizes(device: Device): { drawn(): void } {
  const canvas = device.getDefaultCanvasContext()
  const deckOnResize = device.props.onResize as ResizeHandler | undefined
  let lastDrawn: string | null = null
  if (deckOnResize) {
    const filtered: ResizeHandler = (ctx, info) => {
      if (ctx === canvas && lastDrawn !== null && sizesOf(ctx) === lastDrawn) return
      return deckOnResize(ctx, info)
    }
    device.props.onResize = filtered
  }
  return {
    drawn() {
      lastDrawn = sizesOf(canvas)
    },
  }
}
