/**
 * Keeps secrets out of anything that leaves the remote client (errors, logs, job records): the API key
 * wherever a server echoes it back, and user:password in a URL.
 */
export function redact(text: string, secret: string | undefined): string {
  let out = text
  if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]')
  return out.replace(/(\bhttps?:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1[redacted]@')
}

/** The URL as it may be shown or stored: without user:password. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    return u.toString().replace(/\/$/, '')
  } catch {
    return redact(url, undefined)
  }
}
