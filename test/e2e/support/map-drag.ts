import type { Page } from 'playwright-core'

/**
 * A point near the canvas centre where a drag of (dx, dy) starts and ends on the map's own canvas (not on the legend,
 * the dock, a label box or the table bar that lie over it): a press there pans the map.
 */
export async function freeDragStart(page: Page, dx: number, dy: number): Promise<{ x: number; y: number }> {
  const p = await page.evaluate(
    ([dx, dy]) => {
      const box = document.querySelector('[data-testid="map-canvas"]')!.getBoundingClientRect()
      // No named helper functions in here: tsx wraps them in a __name() call that does not exist in the page.
      const cx = box.left + box.width / 2 - dx / 2
      const cy = box.top + box.height / 2 - dy / 2
      for (let r = 0; r < Math.max(box.width, box.height); r += 10)
        for (let a = 0; a < 16; a++) {
          const x = cx + r * Math.cos((a * Math.PI) / 8)
          const y = cy + r * Math.sin((a * Math.PI) / 8)
          let free = true
          for (const f of [0, 0.5, 1]) {
            const el = document.elementFromPoint(x + f * dx, y + f * dy)
            if (!(el instanceof HTMLCanvasElement && el.closest('[data-testid="map-canvas"]'))) free = false
          }
          if (free) return { x, y }
        }
      return null
    },
    [dx, dy],
  )
  if (!p) throw new Error('no free spot on the map canvas to drag from')
  return p
}
