import { describe, expect, it } from 'vitest'
import { isTyping, routeShortcut } from '../../../src-renderer/map/shortcuts'

describe('map keyboard shortcuts', () => {
  it('routes the plain keys on the page', () => {
    expect(routeShortcut({ key: '/', targetTag: 'BODY' })).toBe('focus-search')
    expect(routeShortcut({ key: 'l', targetTag: 'BODY' })).toBe('lasso')
    expect(routeShortcut({ key: 'L', targetTag: 'DIV' })).toBe('lasso')
    expect(routeShortcut({ key: 'b', targetTag: 'BUTTON' })).toBe('box')
    expect(routeShortcut({ key: 'v' })).toBe('pan')
    expect(routeShortcut({ key: 'Escape', targetTag: 'BODY' })).toBe('clear')
    expect(routeShortcut({ key: 'a', ctrlKey: true })).toBe('select-all')
    expect(routeShortcut({ key: 'a', metaKey: true })).toBe('select-all')
    expect(routeShortcut({ key: 'x' })).toBeNull()
  })

  it('leaves modified keys to the browser (Ctrl+L, Alt+B)', () => {
    expect(routeShortcut({ key: 'l', ctrlKey: true })).toBeNull()
    expect(routeShortcut({ key: 'b', altKey: true })).toBeNull()
  })

  it('ignores shortcuts while typing; Escape only leaves the field', () => {
    for (const target of [
      { targetTag: 'input' },
      { targetTag: 'INPUT', targetType: 'search' },
      { targetTag: 'TEXTAREA' },
      { targetTag: 'DIV', targetEditable: true },
    ]) {
      expect(isTyping(target)).toBe(true)
      expect(routeShortcut({ key: 'l', ...target })).toBeNull()
      expect(routeShortcut({ key: '/', ...target })).toBeNull()
      expect(routeShortcut({ key: 'a', ctrlKey: true, ...target })).toBeNull()
      expect(routeShortcut({ key: 'Escape', ...target })).toBe('leave-field')
    }
  })

  it('still routes keys when a slider or checkbox has focus (they take no text)', () => {
    expect(routeShortcut({ key: 'l', targetTag: 'INPUT', targetType: 'range' })).toBe('lasso')
    expect(routeShortcut({ key: 'Escape', targetTag: 'INPUT', targetType: 'checkbox' })).toBe('clear')
  })

  it('routes fit (F, 0, Home), help (?), full screen (M), undo and redo', () => {
    for (const key of ['f', 'F', '0', 'Home']) expect(routeShortcut({ key, targetTag: 'BODY' })).toBe('fit')
    expect(routeShortcut({ key: '?', targetTag: 'BODY' })).toBe('help')
    expect(routeShortcut({ key: 'm', targetTag: 'BODY' })).toBe('toggle-fullscreen')
    expect(routeShortcut({ key: 'z', ctrlKey: true })).toBe('undo')
    expect(routeShortcut({ key: 'Z', ctrlKey: true, shiftKey: true })).toBe('redo')
    expect(routeShortcut({ key: 'z', metaKey: true, shiftKey: true })).toBe('redo')
    expect(routeShortcut({ key: 'y', ctrlKey: true })).toBe('redo')
    // Typing keeps its own undo and its characters.
    expect(routeShortcut({ key: 'z', ctrlKey: true, targetTag: 'INPUT' })).toBeNull()
    expect(routeShortcut({ key: 'f', targetTag: 'INPUT' })).toBeNull()
    expect(routeShortcut({ key: '0', targetTag: 'TEXTAREA' })).toBeNull()
  })
})
