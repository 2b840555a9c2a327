import { serializeError, type ErrorCode } from '../errors'

/** Exit codes scripts can branch on. */
const EXIT: Record<ErrorCode, number> = {
  BAD_INPUT: 2,
  NOT_FOUND: 3,
  CONFLICT: 4,
  STORE: 5,
  CANCELLED: 130,
  INTERNAL: 1,
}

export interface OutputOptions {
  json: boolean
}

/** Prints a result: JSON on stdout for scripts, or the human rendering. */
export function emit(opts: OutputOptions, value: unknown, human: () => string): void {
  if (opts.json) process.stdout.write(JSON.stringify(value, null, 2) + '\n')
  else process.stdout.write(human() + '\n')
}

/** Prints an error (stderr for people, stdout JSON for scripts) and returns the exit code. */
export function reportError(opts: OutputOptions, err: unknown): number {
  const e = serializeError(err)
  if (opts.json) {
    process.stdout.write(JSON.stringify({ error: e }, null, 2) + '\n')
  } else {
    process.stderr.write(`error: ${e.message}\n`)
    if (e.hint) process.stderr.write(`  hint: ${e.hint}\n`)
    if (e.code === 'INTERNAL' && process.env.EMBEDMAP_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`)
  }
  return EXIT[e.code] ?? 1
}

/** A plain-text table with aligned columns. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))]
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)))
  return cells
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

export function truncate(s: string, max: number): string {
  const flat = s.replace(/\s+/g, ' ')
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}
