import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { isMove, MoveTracker } from '../../../src-renderer/map/move-tracker'

describe('when the map counts as moving', () => {
  let changes: boolean[]
  let t: MoveTracker
  beforeEach(() => {
    vi.useFakeTimers()
    changes = []
    t = new MoveTracker((on) => changes.push(on), 150, 300)
  })
  afterEach(() => {
    t.dispose()
    vi.useRealTimers()
  })

  it('counts only the user’s moves and transitions, not other view changes', () => {
    expect(isMove(undefined)).toBe(false)
    expect(isMove({})).toBe(false)
    expect(isMove({ isDragging: false, isZooming: false })).toBe(false)
    for (const k of ['isDragging', 'isPanning', 'isZooming', 'isRotating', 'inTransition'] as const) expect(isMove({ [k]: true })).toBe(true)
    t.viewChanged({})
    vi.advanceTimersByTime(1000)
    expect(changes).toEqual([])
  })

  it('a drag: moving from its first move, still moving while the button is held, at rest 150 ms after release', () => {
    t.interaction({ isDragging: true })
    expect(changes).toEqual([]) // pressed, not moved: a click does not switch the look
    t.viewChanged({ isDragging: true, isPanning: true })
    expect(changes).toEqual([true])
    t.viewChanged({ isDragging: true, isPanning: true })
    expect(changes).toEqual([true]) // reported once
    vi.advanceTimersByTime(1000) // held still, button down
    expect(changes).toEqual([true])
    t.interaction({ isDragging: false })
    vi.advanceTimersByTime(149)
    expect(changes).toEqual([true])
    vi.advanceTimersByTime(1)
    expect(changes).toEqual([true, false])
  })

  it('a click (press and release without a move) never switches', () => {
    t.interaction({ isDragging: true })
    t.interaction({ isDragging: false })
    vi.advanceTimersByTime(1000)
    expect(changes).toEqual([])
  })

  it('wheel zoom: each notch keeps it moving (a slow wheel too); at rest once the wheel has been still for 300 ms', () => {
    for (let i = 0; i < 5; i++) {
      t.viewChanged({ isZooming: true, isPanning: true })
      vi.advanceTimersByTime(250)
    }
    expect(changes).toEqual([true])
    vi.advanceTimersByTime(49)
    expect(changes).toEqual([true])
    vi.advanceTimersByTime(1)
    expect(changes).toEqual([true, false])
    // the next notch starts a new move
    t.viewChanged({ isZooming: true })
    expect(changes).toEqual([true, false, true])
  })

  it('a pressed button after a wheel zoom holds the rest until release', () => {
    t.viewChanged({ isZooming: true })
    t.interaction({ isDragging: true })
    vi.advanceTimersByTime(500)
    expect(changes).toEqual([true])
    t.interaction({ isDragging: false })
    vi.advanceTimersByTime(150)
    expect(changes).toEqual([true, false])
  })

  it('a flight (transition frames) settles like a wheel zoom', () => {
    t.viewChanged({ inTransition: true })
    vi.advanceTimersByTime(200)
    t.viewChanged({ inTransition: true })
    vi.advanceTimersByTime(299)
    expect(changes).toEqual([true])
    vi.advanceTimersByTime(1)
    expect(changes).toEqual([true, false])
  })
})
