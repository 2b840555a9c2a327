const KEY = 'embedmap.token'

/**
 * Browser mode: `embedmap serve` prints `http://127.0.0.1:PORT/#token=…`. The fragment never reaches the server
 * or its logs; we keep the token for this tab only (sessionStorage) and take it out of the address bar so it is
 * not bookmarked, shared in a screenshot or left in history.
 */
export function takeToken(): string | null {
  const m = /(?:^#|&)token=([^&]+)/.exec(window.location.hash)
  if (m) {
    sessionStorage.setItem(KEY, decodeURIComponent(m[1]))
    history.replaceState(history.state, '', window.location.pathname + window.location.search)
  }
  return sessionStorage.getItem(KEY)
}

/** The token kept by takeToken, for requests made outside the transport (downloads). */
export function storedToken(): string | null {
  return sessionStorage.getItem(KEY)
}
