import { ApiError } from './errors'
import { storedToken } from './token'

/**
 * Browser mode: saves a finished export (from the workspace's exports folder) through the browser's downloads. The
 * file is fetched with the page's token (an <a href> cannot carry the Authorization header) and handed over as a blob.
 */
export async function downloadExport(name: string): Promise<void> {
  const token = storedToken()
  const res = await fetch(`/api/exports/${encodeURIComponent(name)}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message: string; code: 'NOT_FOUND' } } | null
    throw new ApiError(body?.error ?? { code: 'INTERNAL', message: `The download failed (HTTP ${res.status}).` })
  }
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
