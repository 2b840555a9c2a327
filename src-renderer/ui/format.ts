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
