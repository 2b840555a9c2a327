import { describe, expect, it } from 'vitest'
import { APP_INDEX_URL, devRendererOrigin, isTrustedRendererUrl } from '../../../src-main/app/trusted-origin'

describe('devRendererOrigin', () => {
  it('is ignored in a packaged app', () => {
    expect(devRendererOrigin('http://localhost:5173/', true)).toBeUndefined()
  })
  it('is the dev server origin in development', () => {
    expect(devRendererOrigin('http://localhost:5173/', false)).toBe('http://localhost:5173')
    expect(devRendererOrigin('http://127.0.0.1:5173', false)).toBe('http://127.0.0.1:5173')
  })
  it('refuses remote hosts, other schemes and credentials', () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'http://user:pw@localhost:5173/', 'javascript:alert(1)', 'nonsense']) {
      expect(devRendererOrigin(url, false)).toBeUndefined()
    }
  })
  it('is undefined when unset', () => {
    expect(devRendererOrigin(undefined, false)).toBeUndefined()
  })
})

describe('isTrustedRendererUrl', () => {
  it('trusts the app protocol page', () => {
    expect(isTrustedRendererUrl(APP_INDEX_URL)).toBe(true)
    expect(isTrustedRendererUrl('app://embedmap/assets/x.js')).toBe(true)
  })
  it('refuses other app hosts, file: and web pages', () => {
    for (const url of [
      'app://embedmap.evil/',
      'app://other/index.html',
      'file:///work/out/renderer/index.html',
      'https://embedmap/',
      'app://x@embedmap/',
      '',
    ]) {
      expect(isTrustedRendererUrl(url)).toBe(false)
    }
  })
  it('compares the dev origin exactly, not as a prefix', () => {
    const dev = 'http://localhost:5173'
    expect(isTrustedRendererUrl('http://localhost:5173/index.html', dev)).toBe(true)
    expect(isTrustedRendererUrl('http://localhost:5173.evil.example/', dev)).toBe(false)
    expect(isTrustedRendererUrl('http://localhost:51730/', dev)).toBe(false)
    expect(isTrustedRendererUrl('https://localhost:5173/', dev)).toBe(false)
    // With a dev server, the app protocol is not what is loaded, so it is not trusted either.
    expect(isTrustedRendererUrl(APP_INDEX_URL, dev)).toBe(false)
  })
})
