import { afterEach, describe, expect, it, vi } from 'vitest'
import { takeToken } from '../../../src-renderer/api/token'

afterEach(() => vi.unstubAllGlobals())

function browserLike(hash: string) {
  const store = new Map<string, string>()
  const location = { hash, pathname: '/', search: '' }
  const replaceState = vi.fn((_s: unknown, _t: string, url: string) => {
    location.hash = url.includes('#') ? url.slice(url.indexOf('#')) : ''
  })
  vi.stubGlobal('window', { location })
  vi.stubGlobal('sessionStorage', { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v) })
  vi.stubGlobal('history', { state: null, replaceState })
  return { location, replaceState, store }
}

describe('takeToken', () => {
  it('moves the token from the URL fragment into sessionStorage and clears the address bar', () => {
    const b = browserLike('#token=abc123')
    expect(takeToken()).toBe('abc123')
    expect(b.store.get('embedmap.token')).toBe('abc123')
    expect(b.replaceState).toHaveBeenCalledWith(null, '', '/')
    expect(b.location.hash).toBe('')
    // A reload finds it in sessionStorage.
    expect(takeToken()).toBe('abc123')
  })

  it('returns null when the page was opened without a token', () => {
    browserLike('')
    expect(takeToken()).toBeNull()
  })
})
