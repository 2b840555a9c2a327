import type { Virtualizer } from '@tanstack/react-virtual'

/**
 * Chromium places scrolled content with 32-bit floats: past 2^24 px (≈16.7M) rows land a pixel or two off and
 * overlap, and element heights are capped near 33.5M px anyway. A million 30 px rows need 30M px, so the scroll
 * area is capped here and mapped onto the full list.
 */
export const MAX_SCROLL_PX = 10_000_000

/** Scroll deltas within this long after a wheel/key/touch input are the user's own small steps. */
const RELATIVE_WINDOW_MS = 300

/**
 * Maps the element's real scrollTop onto the virtualizer's (larger) virtual offset. Jumps — dragging the scrollbar,
 * programmatic scrolls — map proportionally, so the thumb covers the whole list; wheel, keyboard and touch steps
 * move 1:1, so reading speed is unchanged and rows do not jitter (they keep their place in the scrolled content).
 * The two ends always line up: real 0 is row 0, real max is the last row. Below the cap this is the identity.
 */
export class ScrollScaler {
  private virtual = 0
  private real = 0
  private relativeUntil = 0

  constructor(private readonly virtualSize: () => number) {}

  /** Height to give the scrolled content. */
  realSize(): number {
    return Math.min(this.virtualSize(), MAX_SCROLL_PX)
  }

  /** Add to a virtual item's start to get its position inside the scrolled content. */
  get shift(): number {
    return this.real - this.virtual
  }

  private limits(el: HTMLElement) {
    const view = el.clientHeight
    return { realMax: Math.max(0, this.realSize() - view), virtualMax: Math.max(0, this.virtualSize() - view) }
  }

  private read(el: HTMLElement): number {
    const real = el.scrollTop
    const delta = real - this.real
    this.real = real
    const { realMax, virtualMax } = this.limits(el)
    if (realMax === 0 || virtualMax <= realMax) this.virtual = real
    else if (delta === 0) {
      // A horizontal scroll: keep the vertical mapping as it is.
    } else if (real <= 0) this.virtual = 0
    else if (real >= realMax - 1) this.virtual = virtualMax
    else if (performance.now() < this.relativeUntil && Math.abs(delta) < el.clientHeight * 3) {
      this.virtual = Math.min(virtualMax, Math.max(0, this.virtual + delta))
    } else this.virtual = (real / realMax) * virtualMax
    return this.virtual
  }

  /** For the virtualizer's `observeElementOffset` option. */
  observe = (instance: Virtualizer<HTMLDivElement, Element>, cb: (offset: number, isScrolling: boolean) => void) => {
    const el = instance.scrollElement
    if (!el) return
    let idle: ReturnType<typeof setTimeout> | undefined
    const onScroll = () => {
      clearTimeout(idle)
      cb(this.read(el), true)
      idle = setTimeout(() => cb(this.virtual, false), 150)
    }
    const onInput = () => {
      this.relativeUntil = performance.now() + RELATIVE_WINDOW_MS
    }
    const opts = { passive: true } as const
    el.addEventListener('scroll', onScroll, opts)
    for (const type of ['wheel', 'keydown', 'touchmove'] as const) el.addEventListener(type, onInput, opts)
    cb(this.read(el), false)
    return () => {
      clearTimeout(idle)
      el.removeEventListener('scroll', onScroll)
      for (const type of ['wheel', 'keydown', 'touchmove'] as const) el.removeEventListener(type, onInput)
    }
  }

  /** For the virtualizer's `scrollToFn` option: scroll to a virtual offset. */
  scrollTo = (
    offset: number,
    { adjustments = 0, behavior }: { adjustments?: number; behavior?: ScrollBehavior },
    instance: Virtualizer<HTMLDivElement, Element>,
  ) => {
    const el = instance.scrollElement
    if (!el) return
    const { realMax, virtualMax } = this.limits(el)
    const target = Math.min(virtualMax, Math.max(0, offset + adjustments))
    const real = virtualMax <= realMax || virtualMax === 0 ? target : (target / virtualMax) * realMax
    this.virtual = target
    this.real = Math.round(real)
    el.scrollTo({ top: real, behavior })
  }
}
