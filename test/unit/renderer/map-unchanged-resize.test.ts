import { describe, expect, it, vi } from 'vitest'
import type { Device } from '@luma.gl/core'
import { skipUnchangedResizes } from '../../../src-renderer/map/unchanged-resize'

/** Just what skipUnchangedResizes touches: the default canvas context's sizes and the device's onResize prop. */
function fakeDevice() {
  const canvas = { css: [352, 438.5], buffer: [352, 438], getCSSSize: () => canvas.css, getDrawingBufferSize: () => canvas.buffer }
  const deckOnResize = vi.fn()
  const device = { props: { onResize: deckOnResize }, getDefaultCanvasContext: () => canvas }
  const resize = () => (device.props.onResize as (ctx: unknown, info: unknown) => void)(canvas, { oldPixelSize: [0, 0] })
  return { device: device as unknown as Device, canvas, deckOnResize, resize }
}

describe('skipUnchangedResizes', () => {
  it('passes resizes through until a frame has been drawn', () => {
    const { device, deckOnResize, resize } = fakeDevice()
    skipUnchangedResizes(device)
    resize()
    expect(deckOnResize).toHaveBeenCalledTimes(1)
  })

  it('drops a resize that reports the size the last frame was drawn at, passes real changes', () => {
    const { device, canvas, deckOnResize, resize } = fakeDevice()
    const guard = skipUnchangedResizes(device)
    guard.drawn()
    resize()
    expect(deckOnResize).not.toHaveBeenCalled()
    canvas.css = [352, 515]
    canvas.buffer = [352, 515]
    resize()
    expect(deckOnResize).toHaveBeenCalledTimes(1)
    // A new drawing buffer alone (e.g. another pixel ratio) clears the canvas: deck.gl must redraw.
    guard.drawn()
    canvas.buffer = [704, 1030]
    resize()
    expect(deckOnResize).toHaveBeenCalledTimes(2)
  })
})
