import { EmbedMapError } from '../errors'

/**
 * A BAD_INPUT error about a file: the message names the file (as given) and, when known, the 1-based line;
 * `details` carries `{ file, line }` plus anything else useful to a script.
 */
export function badInput(file: string, line: number | undefined, what: string, hint: string, extra?: Record<string, unknown>): EmbedMapError {
  const where = line === undefined ? file : `${file}, line ${line}`
  return new EmbedMapError('BAD_INPUT', `${where}: ${what}`, hint, { file, ...(line === undefined ? {} : { line }), ...extra })
}
