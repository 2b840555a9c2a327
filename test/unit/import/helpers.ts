import { join } from 'node:path'
import { createRecordReader, sniffSource } from '../../../src-main/import'
import type { ImportOptions, ParsedRecord, RecordReader, SourceSniff } from '../../../src-main/import'
import { EmbedMapError } from '../../../src-main/errors'
import { FIXTURE_DIR } from '../../fixtures/import/make-fixtures'

export const fx = (name: string) => join(FIXTURE_DIR, name)

export async function readAll(
  path: string,
  opts: ImportOptions = {},
  batchSize?: number,
): Promise<{ sniff: SourceSniff; reader: RecordReader; records: ParsedRecord[]; batches: number }> {
  const sniff = await sniffSource(path, opts)
  const reader = createRecordReader(sniff, opts)
  const records: ParsedRecord[] = []
  let batches = 0
  for await (const b of reader.batches(undefined, batchSize)) {
    batches++
    for (const r of b) records.push(r)
  }
  return { sniff, reader, records, batches }
}

/** The EmbedMapError a promise rejects with (fails the test if it resolves or throws something else). */
export async function errorOf(p: Promise<unknown>): Promise<EmbedMapError> {
  try {
    await p
  } catch (err) {
    if (err instanceof EmbedMapError) return err
    throw err
  }
  throw new Error('expected an EmbedMapError, but the call succeeded')
}
