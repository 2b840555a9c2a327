import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { machineInfo, measure, writeResults } from './measure'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const WORDS = ['fast', 'slow', 'map', 'text', 'cluster', 'river', 'paper', 'light', 'stone', 'green', 'quiet', 'model', 'vector', 'city', 'music', 'train']

/** 1,000,000 rows of short text with an id and a category, like a typical export of short reviews. */
function writeSource(file: string, rows: number): void {
  const fd = fs.openSync(file, 'w')
  fs.writeSync(fd, 'id,text,category\n')
  let chunk = ''
  let seed = 42
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
  for (let i = 0; i < rows; i++) {
    const n = 4 + Math.floor(rnd() * 8)
    const words: string[] = []
    for (let w = 0; w < n; w++) words.push(WORDS[Math.floor(rnd() * WORDS.length)])
    chunk += `${i},${words.join(' ')},c${i % 12}\n`
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk)
      chunk = ''
    }
  }
  fs.writeSync(fd, chunk)
  fs.closeSync(fd)
}

export async function main(args: string[]): Promise<void> {
  if (args.includes('--parquet')) return (await import('./import-parquet')).main(args)
  const rows = Number(args.find((a) => a.startsWith('--rows='))?.split('=')[1] ?? 1_000_000)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-bench-import-'))
  try {
    const src = path.join(dir, 'short.csv')
    writeSource(src, rows)
    const sizeMB = fs.statSync(src).size / 2 ** 20
    console.log(`source: ${rows.toLocaleString()} rows, ${sizeMB.toFixed(1)} MB`)

    const ours = await measure(process.execPath, [path.join(root, 'bin/embedmap.js'), 'import', src, '--db', path.join(dir, 'ours.sqlite'), '--json'])
    if (ours.exitCode !== 0) throw new Error(`embedmap import failed: ${ours.stderr}${ours.stdout}`)
    const imported = JSON.parse(ours.stdout).dataset.rowCount
    if (imported !== rows) throw new Error(`embedmap imported ${imported} rows, expected ${rows}`)

    const peer = await measure('python3', [path.join(root, 'bench/peers/import_sqlite.py'), src, path.join(dir, 'peer.sqlite')])
    if (peer.exitCode !== 0) throw new Error(`peer failed: ${peer.stderr}`)

    const result = {
      benchmark: 'import',
      date: new Date().toISOString(),
      machine: machineInfo(),
      rows,
      sourceMB: Number(sizeMB.toFixed(1)),
      embedmap: {
        wallSeconds: ours.wallSeconds,
        rowsPerSecond: Math.round(rows / ours.wallSeconds),
        peakRssMB: Math.round(ours.peakRssMB),
        note: 'whole CLI process: start-up, sniffing, parsing, type inference, SQLite writes, exit',
      },
      peers: {
        'python csv + sqlite3': { wallSeconds: peer.wallSeconds, rowsPerSecond: Math.round(rows / peer.wallSeconds), peakRssMB: Math.round(peer.peakRssMB) },
      },
      ratios: { speedVsPythonCsvSqlite: Number((peer.wallSeconds / ours.wallSeconds).toFixed(2)) },
      goals: { rowsPerSecond: 100_000, peakRssMB: 500 },
    }
    const file = writeResults('import', result)
    console.log(
      `EmbedMap: ${result.embedmap.rowsPerSecond.toLocaleString()} rows/s, peak RSS ${result.embedmap.peakRssMB} MB (goal ≥ 100,000 rows/s, < 500 MB)\n` +
        `python csv + sqlite3: ${result.peers['python csv + sqlite3'].rowsPerSecond.toLocaleString()} rows/s, peak RSS ${result.peers['python csv + sqlite3'].peakRssMB} MB\n` +
        `speed ratio EmbedMap / peer: ${result.ratios.speedVsPythonCsvSqlite}×\nwritten to ${file}`,
    )
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
