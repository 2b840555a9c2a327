import type { Session } from 'electron'
import { isPermissionGranted } from './permissions'

/** Deny by default: every permission request and check goes through isPermissionGranted, device access is refused. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((webContents, permission, callback) => {
    callback(isPermissionGranted(permission, webContents.getURL()))
  })
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin) => isPermissionGranted(permission, requestingOrigin))
  session.setDevicePermissionHandler(() => false)
}
