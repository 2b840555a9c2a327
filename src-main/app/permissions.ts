// Web permissions (camera, notifications, clipboard reads, geolocation, …). The app needs none, so every request
// and every check is refused. If a feature ever needs one, allow that permission here for our own origin only.

export function isPermissionGranted(_permission: string, _requestingUrl: string): boolean {
  return false
}
