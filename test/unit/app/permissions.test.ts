import { expect, it } from 'vitest'
import { isPermissionGranted } from '../../../src-main/app/permissions'

it('grants no web permission, even to the app itself', () => {
  for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'unknown']) {
    expect(isPermissionGranted(p, 'app://embedmap/index.html')).toBe(false)
  }
})
