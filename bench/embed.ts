import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { machineInfo, measure, writeResults } from './measure'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const sharedData = path.resolve(root, '../shared/data')
const modelsDir = process.env.EMBEDMAP_TEST_MODELS ?? path.join(os.homedir(), '.cache', 'embedmap-test-models')
const venvPython = path.join(process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv'), 'bin', 'python')

/** 10,000 real texts: half English news (AG News), half Chinese hotel reviews (ChnSentiCorp). */
export function texts(n: number): string[] {
  const en = parse(fs.readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv')), { columns: true }) as { text: string }[]
  const zh = parse(fs.readFileSync(path.join(sharedData, 'zh_chnsenticorp_htl', 'chnsenticorp_htl_all.csv')), { columns: true }) as { text: string }[]
  const out: string[] = []
  for (let i = 0; out.length < n; i++) {
    if (i < en.length) out.push(en[i].text)
    if (i < zh.length && out.length < n) out.push(zh[i].text)
  }
  return out
}

interface Row {
  engine: string
  variant?: string
  batch?: number
  device?: string
  sentencesPerSecond: number
  seconds: number
  peakRssMB: number
  provider?: unknown
}

export async function main(args: string[]): Promise<void> {
  const opt = (name: string, def: string) =>
    args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : def)
  if (opt('engine', 'local') === 'ray') return (await import('./embed-ray')).main(args)
  const n = Number(opt('rows', '10000'))
  const modelId = opt('model', 'all-MiniLM-L6-v2')
  const device = opt('device', 'cpu')
  const peerBatches = opt('peer-batches', '32,128').split(',').map(Number)
  const modelDir = path.join(modelsDir, modelId)
  if (!fs.existsSync(modelDir)) throw new Error(`${modelDir} is missing: run \`npm run models:test\` first.`)

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-bench-embed-'))
  try {
    const data = texts(n)
    const csv = path.join(dir, 'texts.csv')
    fs.writeFileSync(csv, 'text\n' + data.map((t) => `"${t.replace(/"/g, '""')}"`).join('\n') + '\n')
    const jsonFile = path.join(dir, 'texts.json')
    fs.writeFileSync(jsonFile, JSON.stringify(data))
    const cli = path.join(root, 'bin', 'embedmap.js')
    const rows: Row[] = []

    for (const variant of ['fp32', 'int8']) {
      const db = path.join(dir, `${variant}.sqlite`)
      const imp = await measure(process.execPath, [cli, 'import', csv, '--db', db, '--json'])
      if (imp.exitCode !== 0) throw new Error(imp.stderr)
      const id = JSON.parse(imp.stdout).dataset.id
      // Whole command: process start, model load, embedding, storing every vector in SQLite.
      const r = await measure(process.execPath, [
        cli,
        'embed',
        '--dataset',
        String(id),
        '--model',
        modelDir,
        '--variant',
        variant,
        '--device',
        device,
        '--db',
        db,
        '--json',
      ])
      if (r.exitCode !== 0) throw new Error(r.stderr || r.stdout)
      const out = JSON.parse(r.stdout)
      const row: Row = {
        engine: 'EmbedMap',
        variant,
        device,
        sentencesPerSecond: n / r.wallSeconds,
        seconds: r.wallSeconds,
        peakRssMB: r.peakRssMB,
        provider: out.embeddingSet.provider,
      }
      rows.push(row)
      console.log(
        `EmbedMap ${variant} (${device}): ${row.sentencesPerSecond.toFixed(1)} sentences/s, ${row.seconds.toFixed(1)} s, peak RSS ${row.peakRssMB.toFixed(0)} MB`,
      )
    }
    for (const batch of peerBatches) {
      const r = await measure(venvPython, [path.join(root, 'bench/peers/embed_st.py'), modelDir, jsonFile, String(batch)], {
        HF_HUB_OFFLINE: '1',
        TOKENIZERS_PARALLELISM: 'true',
      })
      if (r.exitCode !== 0) throw new Error(`sentence-transformers failed: ${r.stderr.slice(-2000)}`)
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!)
      const row: Row = {
        engine: 'sentence-transformers',
        batch,
        device: 'cpu',
        sentencesPerSecond: out.sentencesPerSecond,
        seconds: out.seconds,
        peakRssMB: r.peakRssMB,
      }
      rows.push(row)
      console.log(
        `sentence-transformers batch ${batch}: ${row.sentencesPerSecond.toFixed(1)} sentences/s (model load excluded), peak RSS ${row.peakRssMB.toFixed(0)} MB`,
      )
    }
    const st = rows.filter((r) => r.engine === 'sentence-transformers')
    const st32 = st.find((r) => r.batch === 32) ?? st[0]
    const stBest = st.reduce((a, b) => (b.sentencesPerSecond > a.sentencesPerSecond ? b : a))
    const ours = (v: string) => rows.find((r) => r.engine === 'EmbedMap' && r.variant === v)!.sentencesPerSecond
    const ratios = {
      fp32VsSt32: ours('fp32') / st32.sentencesPerSecond,
      fp32VsStBest: ours('fp32') / stBest.sentencesPerSecond,
      int8VsSt32: ours('int8') / st32.sentencesPerSecond,
      int8VsStBest: ours('int8') / stBest.sentencesPerSecond,
    }
    const file = writeResults(`embed-${modelId}-${device}`, {
      benchmark: 'embed',
      date: new Date().toISOString(),
      machine: machineInfo(),
      model: modelId,
      sentences: n,
      data: 'AG News test texts and ChnSentiCorp hotel reviews, alternating (shared/data)',
      note: 'EmbedMap times are the whole `embedmap embed` command (start-up, model load, storing vectors); sentence-transformers times exclude its model load.',
      results: rows,
      ratios,
      goals: { fp32VsSentenceTransformers: 1.5, int8VsSentenceTransformers: 3 },
    })
    console.log(
      `ratios: fp32 ${ratios.fp32VsSt32.toFixed(2)}× (batch 32) / ${ratios.fp32VsStBest.toFixed(2)}× (best batch); int8 ${ratios.int8VsSt32.toFixed(2)}× / ${ratios.int8VsStBest.toFixed(2)}×\nwritten to ${file}`,
    )
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
