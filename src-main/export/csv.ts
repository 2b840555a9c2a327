/**
 * CSV: csv-stringify's stream (RFC 4180 quoting: a field with a comma, quote, CR or LF is quoted, quotes doubled),
 * CRLF between records, a header row, original columns then the extras. Text comes out exactly as it went in,
 * except for the formula guard (values.ts, on by default) which adds a leading `'` to cells that a
 * spreadsheet would run as formulas. Numbers from the extras use the shortest text that reads back as the same
 * float32; NaN is an empty cell.
 */
import { stringify, type Stringifier } from 'csv-stringify'
import type { CheckedChunk, ExportPlan } from './plan'
import { cellAt } from './plan'
import type { CsvExportOptions } from './types'
import { f32Text, guardFormula, isNumericType } from './values'

export interface CsvEncoder {
  transform: Stringifier
  /** One record (array of cells) per row, header first. */
  records(chunks: AsyncIterable<CheckedChunk>): AsyncGenerator<string[], void, undefined>
}

export function csvEncoder(plan: ExportPlan, opts: CsvExportOptions = {}): CsvEncoder {
  const guard = opts.formulaGuard !== false
  const numeric = plan.columns.map((c) => isNumericType(c.type))
  const width = plan.columns.length
  const transform = stringify({
    bom: opts.bom === true,
    delimiter: ',',
    quote: '"',
    escape: '"',
    record_delimiter: '\r\n',
    // Must be explicit: with a record_delimiter given, csv-stringify would otherwise quote only fields holding
    // that exact sequence, and a field with a lone LF or CR would be written bare, breaking the row.
    quote_record_delimiter: true,
  })

  async function* records(chunks: AsyncIterable<CheckedChunk>): AsyncGenerator<string[], void, undefined> {
    yield plan.header.map((h) => (guard ? guardFormula(h, false) : h))
    for await (const { chunk, n } of chunks) {
      for (let i = 0; i < n; i++) {
        const row = chunk.cells[i]
        const rec = new Array<string>(width + plan.extras.length)
        for (let j = 0; j < width; j++) {
          const v = cellAt(row, j)
          rec[j] = guard ? guardFormula(v, numeric[j]) : v
        }
        let j = width
        for (const e of plan.extras) {
          switch (e.kind) {
            case 'cluster':
              rec[j++] = String(chunk.cluster![i])
              break
            case 'cluster_label': {
              const label = chunk.clusterLabel![i] ?? ''
              rec[j++] = guard ? guardFormula(label, false) : label
              break
            }
            case 'anomaly_score':
              rec[j++] = f32Text(chunk.anomalyScore![i])
              break
            case 'is_anomaly':
              rec[j++] = chunk.isAnomaly![i] ? 'true' : 'false'
              break
            case 'x':
              rec[j++] = f32Text(chunk.x![i])
              break
            case 'y':
              rec[j++] = f32Text(chunk.y![i])
              break
          }
        }
        yield rec
      }
    }
  }

  return { transform, records }
}
