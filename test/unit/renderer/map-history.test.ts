import { describe, expect, it } from 'vitest'
import { EMPTY_HISTORY, record, redo, undo, type History } from '../../../src-renderer/map/history'

describe('undo/redo history', () => {
  it('undoes back through recorded states and redoes forward again', () => {
    let h: History<string> = EMPTY_HISTORY
    let cur = 'a'
    for (const next of ['b', 'c']) {
      h = record(h, cur)
      cur = next
    }
    const u1 = undo(h, cur)!
    expect(u1.value).toBe('b')
    const u2 = undo(u1.history, u1.value)!
    expect(u2.value).toBe('a')
    expect(undo(u2.history, u2.value)).toBeNull()
    const r1 = redo(u2.history, u2.value)!
    expect(r1.value).toBe('b')
    expect(redo(r1.history, r1.value)!.value).toBe('c')
  })

  it('drops the redo branch on a new change, and keeps at most the limit', () => {
    let h = record(EMPTY_HISTORY as History<number>, 1)
    const u = undo(h, 2)!
    h = record(u.history, u.value)
    expect(h.future).toEqual([])
    let big: History<number> = EMPTY_HISTORY
    for (let i = 0; i < 10; i++) big = record(big, i, 3)
    expect(big.past).toEqual([7, 8, 9])
  })
})
