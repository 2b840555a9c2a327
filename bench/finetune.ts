/**
 * Fine-tune benchmark, measured in one run on the same data and settings:
 *  1. steps/s of EmbedMap's full fine-tune worker (resources/finetune/worker.py, started and read by the
 *     same runWorker the fine-tune runner uses) vs sentence-transformers' own minimal training script
 *     (bench/peers/finetune_st.py). Both exclude their first step (warm-up). Goal: ratio ≥ 0.95.
 *  2. the adapter's training time (src-main/finetune/adapter.ts) on the same pairs, on MiniLM's ONNX vectors
 *     (embedding time reported apart).
 *
 *   npm run bench -- finetune [--pairs 96] [--batch 16] [--max-length 64] [--rounds 1]
 * Data: SciFact training pairs (../shared/data/en_scifact_retrieval), model all-MiniLM-L6-v2 (test models).
 * Results: bench/results/finetune.json. Needs ~/.cache/embedmap-venv.
 */
import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Embedder } from '../src-main/embed/embedder'
import { trainAdapter } from '../src-main/finetune/adapter'
import { trainEvent, type TrainDoneEvent, type TrainEvent } from '../src-main/finetune/full/events'
import { runWorker } from '../src-main/finetune/full/worker-process'
import { pairsFromBeir } from '../src-main/finetune/pairs'
import { VENV_PY } from './analyze-data'
import { machineInfo, measure, writeResults } from './measure'

const HERE = path.dirname(new URL(import.meta.url).pathname)
const REPO = path.resolve(HERE, '..')
const PEER = path.join(HERE, 'peers', 'finetune_st.py')
const MODEL = path.join(process.env.EMBEDMAP_TEST_MODELS ?? path.join(os.homedir(), '.cache', 'embedmap-test-models'), 'all-MiniLM-L6-v2')
const DATA = path.resolve(REPO, '..', 'shared', 'data', 'en_scifact_retrieval')
const log = (...a: unknown[]) => console.error('[finetune]', ...a)
const round = (x: number, p = 4) => Math.round(x * 10 ** p) / 10 ** p

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : dflt
}

export async function main(args: string[]): Promise<void> {
  const nPairs = arg(args, '--pairs', 96)
  const batch = arg(args, '--batch', 16)
  const maxLength = arg(args, '--max-length', 64)
  const rounds = arg(args, '--rounds', 1)
  const read = (f: string) => parse(fs.readFileSync(path.join(DATA, f)), { columns: true }) as Record<string, string>[]
  const corpusRows = read('corpus.csv')
  const split = pairsFromBeir(
    {
      queries: read('queries.csv').map((r) => ({ id: r.query_id, text: r.text })),
      corpus: corpusRows.map((r) => ({ id: r.doc_id, title: r.title, text: r.text })),
      qrels: read('qrels.csv').map((r) => ({ queryId: r.query_id, docId: r.doc_id, score: Number(r.score) })),
    },
    { evalFraction: 0.1, seed: 42 },
  )
  const pairs = split.train.slice(0, nPairs)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-bench-finetune-'))
  const trainFile = path.join(tmp, 'train.jsonl')
  fs.writeFileSync(trainFile, pairs.map((p) => JSON.stringify({ anchor: p.anchor, positive: p.positive }) + '\n').join(''))
  const settings = {
    base_model: MODEL,
    train_file: trainFile,
    epochs: 1,
    batch_size: batch,
    max_seq_length: maxLength,
    learning_rate: 2e-5,
    warmup_ratio: 0.1,
    seed: 42,
    scale: 20,
    device: 'cpu',
    save_steps: 10_000,
  }
  log(`${pairs.length} pairs, batch ${batch}, max length ${maxLength}, ${Math.ceil(pairs.length / batch)} steps per run, ${rounds} round(s)`)

  type Run = { stepsPerSecond: number; steps: number; wallSeconds: number; loadAverage1m: number }
  const workerRuns: Run[] = []
  const peerRuns: Run[] = []
  for (let r = 0; r < rounds; r++) {
    // Alternate the order between rounds, so a change in machine load does not favour one side.
    const order = r % 2 === 0 ? ['worker', 'peer'] : ['peer', 'worker']
    for (const side of order) {
      const runDir = path.join(tmp, `${side}-${r}`)
      fs.mkdirSync(runDir)
      const cfg = path.join(runDir, 'config.json')
      fs.writeFileSync(cfg, JSON.stringify({ ...settings, run_dir: runDir }))
      const t0 = performance.now()
      if (side === 'worker') {
        const run = await runWorker<TrainEvent>({ python: VENV_PY, command: 'train', configFile: cfg, schema: trainEvent })
        const done = run.events.find((e): e is TrainDoneEvent => e.event === 'done')
        if (run.code !== 0 || !done?.steps_per_second) throw new Error(`worker failed (${run.code}): ${run.stderrTail}`)
        workerRuns.push({
          stepsPerSecond: done.steps_per_second,
          steps: done.step,
          wallSeconds: (performance.now() - t0) / 1000,
          loadAverage1m: os.loadavg()[0],
        })
      } else {
        const m = await measure(VENV_PY, [PEER, cfg], { HF_HUB_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' })
        if (m.exitCode !== 0) throw new Error(`peer failed (${m.exitCode}): ${m.stderr.slice(-2000)}`)
        const out = JSON.parse(m.stdout.trim().split('\n').pop() ?? '{}') as { steps: number; steps_per_second: number }
        peerRuns.push({ stepsPerSecond: out.steps_per_second, steps: out.steps, wallSeconds: m.wallSeconds, loadAverage1m: os.loadavg()[0] })
      }
      log(side, JSON.stringify((side === 'worker' ? workerRuns : peerRuns).at(-1)))
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const worker = mean(workerRuns.map((r) => r.stepsPerSecond))
  const peer = mean(peerRuns.map((r) => r.stepsPerSecond))

  // Adapter on the same pairs: MiniLM ONNX vectors of the anchors and of the distinct positives.
  const docs = [...new Set(pairs.map((p) => p.positive))]
  const docRow = new Map(docs.map((d, i) => [d, i]))
  const tEmbed = performance.now()
  const e = await Embedder.load(MODEL, { device: 'cpu' })
  let anchors: Float32Array
  let corpus: Float32Array
  try {
    anchors = (
      await e.embed(
        pairs.map((p) => p.anchor),
        { kind: 'query' },
      )
    ).vectors
    corpus = (await e.embed(docs, { kind: 'passage' })).vectors
  } finally {
    await e.close()
  }
  const embedSeconds = (performance.now() - tEmbed) / 1000
  const groupIds = new Map<string, number>()
  const adapter = trainAdapter({
    dims: 384,
    corpus,
    anchors,
    positives: Int32Array.from(pairs.map((p) => docRow.get(p.positive)!)),
    groups: Int32Array.from(pairs.map((p) => groupIds.get(p.group ?? p.anchor) ?? groupIds.set(p.group ?? p.anchor, groupIds.size).get(p.group ?? p.anchor)!)),
  })

  const results = {
    machine: { ...machineInfo(), loadAverage: os.loadavg().map((x) => round(x, 2)) },
    data: {
      source: 'SciFact train (en_scifact_retrieval)',
      pairs: pairs.length,
      batchSize: batch,
      maxLength,
      epochs: 1,
      model: 'all-MiniLM-L6-v2',
      device: 'cpu',
    },
    full: {
      workerStepsPerSecond: round(worker),
      peerStepsPerSecond: round(peer),
      ratio: round(worker / peer, 3),
      goal: '≥ 0.95',
      roundRatios: workerRuns.map((w, i) => round(w.stepsPerSecond / peerRuns[i].stepsPerSecond, 3)),
      rounds: { worker: workerRuns, peer: peerRuns },
      note: 'steps/s exclude each run’s first step; the worker logs every step (JSONL events), no checkpoint falls inside these runs. On a shared, loaded machine the per-round ratios scatter: read the load averages.',
    },
    adapter: {
      trainSeconds: round(adapter.trainMs / 1000, 3),
      epochs: adapter.epochs.length - 1,
      bestEpoch: adapter.bestEpoch,
      steps: adapter.steps,
      embedSeconds: round(embedSeconds, 2),
      corpusRows: docs.length,
    },
    at: new Date().toISOString(),
  }
  log(JSON.stringify(results.full), JSON.stringify(results.adapter))
  const file = writeResults('finetune', results)
  log('results in', file)
  fs.rmSync(tmp, { recursive: true, force: true })
}
