import fs from 'node:fs'
import { stringify } from 'csv-stringify'
import type { Embedder } from '../embed'
import { createRecordReader, resolveTextColumn, sniffSource } from '../import'

/** Cosine similarity of row i of a and row i of b (n × dims, L2-normalized: a dot product). */
export function pairCosines(a: Float32Array, b: Float32Array, dims: number): Float32Array {
  const n = a.length / dims
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    let s = 0
    const o = i * dims
    for (let k = 0; k < dims; k++) s += a[o + k] * b[o + k]
    out[i] = s
  }
  return out
}

export async function scoreTexts(embedder: Embedder, a: string[], b: string[]): Promise<Float32Array> {
  // Pairs are symmetric comparisons: both sides get the model's clustering/symmetric prompt.
  const [ea, eb] = [await embedder.embed(a, { kind: 'clustering' }), await embedder.embed(b, { kind: 'clustering' })]
  return pairCosines(ea.vectors, eb.vectors, embedder.info.dims)
}

export interface PairsResult {
  count: number
  mean: number
  scores: number[]
  out?: string
}

/**
 * Scores every pair of a CSV/TSV/JSONL file with one model load, streaming: batches of rows in, and,
 * with `out`, the original columns plus `similarity` written as they are scored.
 */
export async function scorePairsFile(embedder: Embedder, file: string, colA: string, colB: string, out?: string): Promise<PairsResult> {
  const sniff = await sniffSource(file, { headerCheck: true })
  const ia = resolveTextColumn(file, sniff.columns, colA)
  const ib = resolveTextColumn(file, sniff.columns, colB)
  const reader = createRecordReader(sniff)
  const scores: number[] = []
  let writer: ReturnType<typeof stringify> | undefined
  let finished: Promise<void> | undefined
  if (out) {
    writer = stringify({ header: true, columns: [...sniff.columns.map((c) => c.name), 'similarity'] })
    const sink = fs.createWriteStream(out)
    writer.pipe(sink)
    finished = new Promise((resolve, reject) => {
      sink.on('finish', () => resolve())
      sink.on('error', reject)
      writer!.on('error', reject)
    })
  }
  for await (const batch of reader.batches(undefined, 1024)) {
    const s = await scoreTexts(
      embedder,
      batch.map((r) => r.cells[ia] ?? ''),
      batch.map((r) => r.cells[ib] ?? ''),
    )
    batch.forEach((r, i) => {
      scores.push(s[i])
      writer?.write([...r.cells.slice(0, sniff.columns.length), s[i].toFixed(6)])
    })
  }
  writer?.end()
  await finished
  const mean = scores.reduce((x, y) => x + y, 0) / Math.max(1, scores.length)
  return { count: scores.length, mean, scores, out }
}
