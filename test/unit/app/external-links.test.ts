import { describe, expect, it } from 'vitest'
import { DOCUMENTATION_HOSTS, mayOpenExternally } from '../../../src-main/app/external-links'

describe('mayOpenExternally', () => {
  it('allows https links to the documentation hosts', () => {
    for (const host of DOCUMENTATION_HOSTS) expect(mayOpenExternally(`https://${host}/some/page?q=1#x`)).toBe(true)
  })
  it('refuses everything else', () => {
    for (const url of [
      'http://github.com/',
      'https://github.com.evil.example/',
      'https://evil.example/?github.com',
      'https://gist.github.com/',
      'https://github.com:444/',
      'https://user@github.com/',
      'file:///etc/passwd',
      'smb://server/share',
      'ms-msdt:/id PCWDiagnostic',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(mayOpenExternally(url), url).toBe(false)
    }
  })
})
