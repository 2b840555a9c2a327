/**
 * JSON Lines: one object per row, keys in column order (the text is built by hand, so that a column named
 * like a number, e.g. "2024", keeps its place instead of being moved first as JS objects do).
 *
 * Original columns are written as JSON strings, exactly the stored text ('' for an empty cell) — except a cell of an
 * integer column written in canonical form (`42`, `-7`: no sign +, no leading zero, at most 15 digits), which is a
 * JSON number: a reader expects integers as numbers, and that form survives the round trip export → import exactly
 * (our importer reads a JSON number back as its shortest text). Everything else stays a string, deliberately:
 * numbers would lose their written form (`1.50` → 1.5, `007` → 7, 20-digit ids → rounded). The extras are typed: cluster → integer, cluster_label → string,
 * anomaly_score / x / y → number (shortest form of the float32; NaN/±Infinity → null), is_anomaly → boolean.
 */
import type { CheckedChunk, ExportPlan } from './plan'
import { cellAt } from './plan'
import { f32Json } from './values'

/** An integer whose text is what JSON (and our importer) would write back for it: safe to emit as a number. */
const CANONICAL_INT = /^-?(0|[1-9]\d{0,14})$/

/** Yields the text of one chunk at a time (its lines, each ending with \n). */
export async function* jsonlText(plan: ExportPlan, chunks: AsyncIterable<CheckedChunk>): AsyncGenerator<string, void, undefined> {
  const width = plan.columns.length
  // '{"name":' for the first key, ',"name":' for the others (the plan always has at least one column)
  const integer = plan.columns.map((c) => c.type === 'integer')
  const keys = plan.header.map((h, i) => (i === 0 ? '{' : ',') + JSON.stringify(h) + ':')
  for await (const { chunk, n } of chunks) {
    const lines = new Array<string>(n)
    for (let i = 0; i < n; i++) {
      const row = chunk.cells[i]
      let s = ''
      for (let j = 0; j < width; j++) {
        const cell = cellAt(row, j)
        s += keys[j] + (integer[j] && CANONICAL_INT.test(cell) ? cell : JSON.stringify(cell))
      }
      let j = width
      for (const e of plan.extras) {
        let v: string
        switch (e.kind) {
          case 'cluster':
            v = String(chunk.cluster![i])
            break
          case 'cluster_label':
            v = JSON.stringify(chunk.clusterLabel![i] ?? null)
            break
          case 'anomaly_score':
            v = String(f32Json(chunk.anomalyScore![i]))
            break
          case 'is_anomaly':
            v = chunk.isAnomaly![i] ? 'true' : 'false'
            break
          case 'x':
            v = String(f32Json(chunk.x![i]))
            break
          case 'y':
            v = String(f32Json(chunk.y![i]))
            break
        }
        s += keys[j++] + v
      }
      lines[i] = s + '}\n'
    }
    if (n > 0) yield lines.join('')
  }
}
