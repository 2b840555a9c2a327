import { describe, expect, it, vi } from 'vitest'
import { MAX_SCROLL_PX, ScrollScaler } from '../../../src-renderer/features/rows/scroll-scaler'

/** Just enough of a scroll container for the scaler: scrollTop, clientHeight, scrollTo and event listeners. */
function fakeScroller(clientHeight = 600) {
  const listeners = new Map<string, Set<() => void>>()
  const el = {
    scrollTop: 0,
    clientHeight,
    addEventListener: (t: string, f: () => void) => (listeners.get(t) ?? listeners.set(t, new Set()).get(t)!).add(f),
    removeEventListener: (t: string, f: () => void) => listeners.get(t)?.delete(f),
    scrollTo: ({ top }: { top: number }) => {
      el.scrollTop = Math.round(top)
      fire('scroll')
    },
  }
  const fire = (t: string) => listeners.get(t)?.forEach((f) => f())
  return { el, fire, listeners }
}

function setup(rows: number, rowHeight = 30) {
  const { el, fire, listeners } = fakeScroller()
  const scaler = new ScrollScaler(() => rows * rowHeight)
  const instance = { scrollElement: el } as never
  let offset = -1
  const stop = scaler.observe(instance, (o) => (offset = o))!
  const scroll = (top: number, viaWheel = false) => {
    if (viaWheel) fire('wheel')
    el.scrollTop = top
    fire('scroll')
    return offset
  }
  return { el, scaler, instance, scroll, stop, listeners, offset: () => offset }
}

describe('ScrollScaler', () => {
  it('is the identity when the list fits under the cap', () => {
    const s = setup(10_000)
    expect(s.scaler.realSize()).toBe(300_000)
    expect(s.scroll(12_345)).toBe(12_345)
    expect(s.scroll(100, true)).toBe(100)
    expect(s.scaler.shift).toBe(0)
  })

  it('caps the real height and maps scrollbar jumps proportionally, ends aligned', () => {
    const s = setup(1_000_000)
    const virtualMax = 30_000_000 - 600
    const realMax = MAX_SCROLL_PX - 600
    expect(s.scaler.realSize()).toBe(MAX_SCROLL_PX)
    expect(s.scroll(realMax / 2)).toBeCloseTo(virtualMax / 2, 0)
    expect(s.scroll(realMax)).toBe(virtualMax)
    expect(s.scroll(0)).toBe(0)
  })

  it('moves 1:1 for wheel steps, keeping rows in place in the scrolled content', () => {
    vi.useFakeTimers({ toFake: ['performance', 'setTimeout', 'clearTimeout'] })
    try {
      const s = setup(1_000_000)
      const start = s.scroll(3_000_000)
      const shift = s.scaler.shift
      expect(s.scroll(3_000_120, true)).toBe(start + 120)
      expect(s.scaler.shift).toBe(shift)
      // A horizontal scroll (no vertical change) leaves the mapping alone.
      expect(s.scroll(3_000_120)).toBe(start + 120)
      // Long after the wheel, a move is a jump again.
      vi.advanceTimersByTime(1000)
      const realMax = MAX_SCROLL_PX - 600
      expect(s.scroll(4_000_000)).toBeCloseTo((4_000_000 / realMax) * (30_000_000 - 600), 0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('scrollTo takes a virtual offset and lands the element on the matching real one', () => {
    const s = setup(1_000_000)
    s.scaler.scrollTo(15_000_000, {}, s.instance)
    expect(s.el.scrollTop).toBeCloseTo((15_000_000 / (30_000_000 - 600)) * (MAX_SCROLL_PX - 600), -1)
    expect(s.offset()).toBeCloseTo(15_000_000, -2)
    s.stop()
    expect([...s.listeners.values()].every((set) => set.size === 0)).toBe(true)
  })
})
