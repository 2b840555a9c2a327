import { EmbedMapError } from '../errors'

/**
 * A BAD_INPUT error about a file: the message names the file (as given) and, when known, the 1-based line;
 * `details` carries `{ file, line }` plus anything else useful to a script.
 */
export function badInput(file: string, line: number | undefined, what: string, hint: string, extra?: Record<string, unknown>): EmbedMapError {
  const where = line === undefined ? file : `${file}, line ${line}`
  return new EmbedMapError('BAD_INPUT', `${where}: ${what}`, hint, { file, ...(line === undefined ? {} : { line }), ...extra })
}

/** A byte count for messages: `16 MiB`, `2 KiB`, `1.5 MiB`, `100 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`
  return `${n} bytes`
}
