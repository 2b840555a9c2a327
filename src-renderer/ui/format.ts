const int = new Intl.NumberFormat('en-US')

export function formatInt(n: number): string {
  return int.format(Math.round(n))
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB', 'TB']
  let v = bytes / 1024
  let u = 0
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`
}

/**
 * Decimal megabytes (1 MB = 10⁶ bytes), as model hubs and the CLI state sizes: "118 MB", "4.2 MB", "1.2 GB".
 * Used for model sizes and download progress, so both show the same numbers.
 */
export function formatMegabytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(bytes >= 1e10 ? 0 : 1)} GB`
  const mb = bytes / 1e6
  if (mb >= 10) return `${formatInt(mb)} MB`
  if (bytes === 0) return '0 MB'
  return `${Math.max(mb, 0.1).toFixed(1)} MB`
}

export function formatByteRate(bytesPerSecond: number): string {
  return `${formatMegabytes(bytesPerSecond)}/s`
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—'
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${s % 60} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}

export function formatRate(perSecond: number, unit: string): string {
  const v = perSecond >= 100 ? formatInt(perSecond) : perSecond.toFixed(1)
  return `${v} ${unit}/s`
}

export function formatDate(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}

export function delimiterLabel(d: string | null | undefined): string {
  switch (d) {
    case ',':
      return 'comma (,)'
    case '\t':
      return 'tab'
    case ';':
      return 'semicolon (;)'
    case '|':
      return 'pipe (|)'
    case null:
    case undefined:
      return '—'
    default:
      return JSON.stringify(d)
  }
}
