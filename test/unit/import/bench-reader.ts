/**
 * Reader throughput and peak memory (not a test; run by hand):
 *   node --import tsx test/unit/import/bench-reader.ts [rows=1000000] [--repeat=N] [case…]
 * Cases: short (unquoted short text), quoted (every text field quoted, some with commas/quotes), jsonl,
 * gb18030, infer (short + ColumnTypeInferrer.observe on every record, as the import job does), and for
 * comparison two uses of csv-parse alone on the short file: csvparse-bare (the reader's csv-parse options read
 * from the stream, no line numbers: what the library costs by itself) and csvparse-info (the plain way to get
 * line numbers: `info: true`, records by async iteration). Each case runs in its own child process so its peak
 * RSS (process.resourceUsage().maxRSS) is its own; with --repeat=N each case runs N times and the fastest run is
 * shown (the machine may be shared).
 */
import { execFileSync } from 'node:child_process'
import { createReadStream, createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import iconv from 'iconv-lite'
import { parse } from 'csv-parse'
import { ColumnTypeInferrer, createRecordReader, sniffSource } from '../../../src-main/import'
import { csvParseOptions } from '../../../src-main/import/csv-records'

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'the', 'quick', 'brown', 'fox', 'jumps', 'over', 'lazy', 'dog', 'embedding', 'map', '数据', '地图']
const DIR = join(tmpdir(), 'embedmap-bench-import')

function text(i: number): string {
  let t = ''
  for (let k = 0; k < 6; k++) t += (k ? ' ' : '') + WORDS[(i * 7 + k * 13 + (i >> 3)) % WORDS.length]
  return t
}

async function write(path: string, n: number, kind: string): Promise<void> {
  if (existsSync(path)) return
  const out = createWriteStream(path)
  const enc = (s: string) => (kind === 'gb18030' ? iconv.encode(s, 'gb18030') : Buffer.from(s))
  let buf = kind === 'jsonl' ? '' : 'id,text,label\n'
  for (let i = 0; i < n; i++) {
    const t = text(i)
    if (kind === 'jsonl') buf += JSON.stringify({ id: i, text: t, label: i % 5 }) + '\n'
    else if (kind === 'quoted') buf += `${i},"${i % 7 === 0 ? t + ', "quoted"'.replace(/"/g, '""') : t}",${i % 5}\n`
    else buf += `${i},${t},${i % 5}\n`
    if (buf.length > 1 << 16) {
      if (!out.write(enc(buf))) await new Promise<void>((r) => out.once('drain', () => r()))
      buf = ''
    }
  }
  out.write(enc(buf))
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())))
}

async function runCase(kind: string, n: number): Promise<Record<string, unknown>> {
  const file = join(DIR, `${fileKind(kind)}-${n}.${kind === 'jsonl' ? 'jsonl' : 'csv'}`)
  const t0 = performance.now()
  let rows = 0
  let chars = 0
  if (kind === 'csvparse-info') {
    const p = createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(parse({ ...csvParseOptions(',', 16 << 20), info: true }))
    for await (const r of p) {
      rows++
      chars += (r as { record: string[] }).record[1]?.length ?? 0
    }
    rows--
  } else if (kind === 'csvparse-bare') {
    const p = createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(parse(csvParseOptions(',', 16 << 20)))
    await new Promise<void>((resolve, reject) => {
      p.on('readable', () => {
        let r: string[] | null
        while ((r = p.read() as string[] | null) !== null) {
          rows++
          chars += r[1]?.length ?? 0
        }
      })
      p.on('end', resolve)
      p.on('error', reject)
    })
    rows--
  } else {
    const sniff = await sniffSource(file)
    const reader = createRecordReader(sniff)
    const inferrer = kind === 'infer' ? new ColumnTypeInferrer() : undefined
    for await (const batch of reader.batches()) {
      for (const r of batch) {
        chars += r.cells[1].length
        inferrer?.observe(r.cells)
      }
      rows += batch.length
    }
  }
  const s = (performance.now() - t0) / 1000
  return {
    case: kind,
    rows,
    MB: +(statSync(file).size / 1e6).toFixed(1),
    seconds: +s.toFixed(2),
    rowsPerSec: Math.round(rows / s),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    chars,
  }
}

function fileKind(kind: string): string {
  return kind === 'infer' || kind.startsWith('csvparse') ? 'short' : kind
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '--child') {
    const [, kind, n] = args
    console.log(JSON.stringify(await runCase(kind, Number(n))))
    return
  }
  const repeatArg = args.find((a) => a.startsWith('--repeat='))
  const repeat = Math.max(1, Number(repeatArg?.slice('--repeat='.length)) || 1)
  const rest = args.filter((a) => !a.startsWith('--'))
  const n = Number(rest[0] ?? 1_000_000) || 1_000_000
  const cases = rest.length > 1 ? rest.slice(1) : ['short', 'infer', 'quoted', 'jsonl', 'gb18030', 'csvparse-bare', 'csvparse-info']
  mkdirSync(DIR, { recursive: true })
  for (const k of new Set(cases.map(fileKind))) {
    await write(join(DIR, `${k}-${n}.${k === 'jsonl' ? 'jsonl' : 'csv'}`), n, k)
  }
  const self = fileURLToPath(import.meta.url)
  for (const c of cases) {
    let best: Record<string, unknown> | undefined
    for (let r = 0; r < repeat; r++) {
      const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', self, '--child', c, String(n)], { encoding: 'utf8' }).trim()) as Record<
        string,
        unknown
      >
      if (!best || (out.seconds as number) < (best.seconds as number)) best = out
    }
    console.log(JSON.stringify(best))
  }
}

await main()
