import type { SourceSniff, TextSource } from './types'

/** The part of a text file's sniff that its reader needs (null for Parquet/Arrow, whose reader needs the whole sniff). */
export function textSourceOf(sniff: SourceSniff): TextSource | null {
  if (sniff.format !== 'csv' && sniff.format !== 'jsonl') return null
  const { path, sizeBytes, format, encoding, hadBom, delimiter } = sniff
  return { path, sizeBytes, format, encoding, hadBom, ...(delimiter !== undefined ? { delimiter } : {}), columnNames: sniff.columns.map((c) => c.name) }
}
