// Which links may leave the app for the user's browser. The one place to add a documentation host.

/** Hosts whose pages the app may link to (exact names; subdomains are not implied). */
export const DOCUMENTATION_HOSTS: readonly string[] = ['github.com', 'huggingface.co', 'www.electronjs.org']

/**
 * True only for plain https links to a listed host on the default port, without credentials. Anything else
 * (http, file:, custom schemes, other hosts) is refused: shell.openExternal hands the URL to the OS, which may run
 * a program for it.
 */
export function mayOpenExternally(url: string): boolean {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return false
  }
  if (u.protocol !== 'https:' || u.username || u.password || u.port) return false
  return DOCUMENTATION_HOSTS.includes(u.hostname)
}
