/**
 * The fine-tune worker's loss and batch sampler against sentence-transformers itself (the test venv's), on real data with
 * the real all-MiniLM-L6-v2 weights — small and fast:
 * - `--loss cached-mnrl`: the loss the worker builds equals sentence-transformers' own CachedMultipleNegativesRankingLoss
 *   (and MultipleNegativesRankingLoss, which it computes in mini-batches) on the same SciFact batch, value and gradient;
 *   training steps with it lower the loss; a worker run with it completes.
 * - pairs from a label column (AG News): the worker's sampler never puts two pairs of one label in a batch, where
 *   sentence-transformers' plain no-duplicates sampler does; the evaluation split keeps the plain sampler.
 */
import { spawnSync } from 'node:child_process'
import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { pairsFromBeir, pairsFromGroups } from '../../src-main/finetune/pairs'
import { realModel } from '../helpers/real-models'
import { repoRoot, sharedData, tmpDir } from '../helpers/tmp'

const venv = process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv')
const python = path.join(venv, 'bin', 'python')
const base = realModel('all-MiniLM-L6-v2')
const dir = tmpDir('embedmap-ft-worker-')
const checks = path.join(repoRoot, 'scripts', 'finetune', 'worker_checks.py')

const csv = (file: string) => parse(fs.readFileSync(file), { columns: true }) as Record<string, string>[]

/** Every check in one Python process (torch and sentence-transformers start once), before the tests read the results. */
function runChecks(input: Record<string, unknown>): Record<string, any> {
  const inp = path.join(dir, 'checks.in.json')
  const out = path.join(dir, 'checks.out.json')
  fs.writeFileSync(inp, JSON.stringify(input))
  const r = spawnSync(python, [checks, 'all', inp, out], { encoding: 'utf8', env: { ...process.env, HF_HUB_OFFLINE: '1' }, timeout: 560_000 })
  if (r.status !== 0) throw new Error(`worker_checks.py exited ${r.status ?? r.signal}: ${r.stderr.slice(-3000)}`)
  return JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, any>
}

// 16 SciFact training pairs (query → cited abstract), cut to 32 tokens below.
const scifact = path.join(sharedData, 'en_scifact_retrieval')
const beir = pairsFromBeir(
  {
    queries: csv(path.join(scifact, 'queries.csv')).map((r) => ({ id: r.query_id, text: r.text })),
    corpus: csv(path.join(scifact, 'corpus.csv')).map((r) => ({ id: r.doc_id, title: r.title, text: r.text })),
    qrels: csv(path.join(scifact, 'qrels.csv')).map((r) => ({ queryId: r.query_id, docId: r.doc_id, score: Number(r.score) })),
  },
  { evalFraction: 0.1, seed: 42 },
)

// A label source: AG News titles grouped by their label column (4 topics), pairs sampled within a label.
const agNews = csv(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv')).slice(0, 120)
const labelPairs = pairsFromGroups(
  agNews.map((r) => ({ text: r.title, group: r.label })),
  { evalFraction: 0, seed: 7 },
).train

interface Epoch {
  batches: number[][]
  mixed: number
  rows: number[]
}
interface Results {
  'cached-mnrl': {
    loss: { worker: number; st_cached: number; st_mnrl: number }
    mini_batch_size: number
    scale: number
    grad_norm: number
    grad_diff_vs_st_cached: number
    grad_rel_diff_vs_st_mnrl: number
    losses_while_training: number[]
    seconds: number
  }
  'group-sampler': {
    columns: string[]
    n: number
    groups: number
    grouped: { len: number; epochs: Epoch[] }
    plain: { len: number; epochs: Epoch[] }
    other_dataset_has_group_column: boolean
    grouped_has_group_column: boolean
    seconds: number
  }
  'worker-train': { exit: number; events: Record<string, unknown>[]; seconds: number }
}

const labelTrain = path.join(dir, 'label-train.jsonl')
const runDir = path.join(dir, 'cached-run')
const runPairs = labelPairs.slice(0, 24)
let results: Results

beforeAll(() => {
  const jsonl = (pairs: typeof labelPairs) => pairs.map((p) => JSON.stringify({ anchor: p.anchor, positive: p.positive, group: p.group })).join('\n') + '\n'
  fs.writeFileSync(labelTrain, jsonl(labelPairs))
  fs.mkdirSync(runDir, { recursive: true })
  fs.writeFileSync(path.join(runDir, 'train.jsonl'), jsonl(runPairs))
  const config = path.join(runDir, 'config.json')
  fs.writeFileSync(
    config,
    JSON.stringify({
      base_model: base,
      run_dir: runDir,
      train_file: path.join(runDir, 'train.jsonl'),
      loss: 'cached-mnrl',
      mini_batch_size: 2,
      batch_size: 4,
      max_seq_length: 24,
      learning_rate: 5e-5,
      device: 'cpu',
      save_steps: 1000,
    }),
  )
  const batch = beir.train.slice(0, 8)
  const t = performance.now()
  results = runChecks({
    'cached-mnrl': {
      model: base,
      anchors: batch.map((p) => p.anchor),
      positives: batch.map((p) => p.positive),
      scale: 20,
      mini_batch_size: 3,
      max_seq_length: 32,
      lr: 5e-5,
      steps: 3,
    },
    'group-sampler': { train_file: labelTrain, batch_size: 16, epochs: 2, seed: 42 },
    'worker-train': { config },
  }) as Results
  console.log(
    `worker checks: ${((performance.now() - t) / 1000).toFixed(1)} s in one Python process (cached-mnrl ${results['cached-mnrl'].seconds} s, sampler ${results['group-sampler'].seconds} s, worker run ${results['worker-train'].seconds} s)`,
  )
}, 580_000)

describe('the worker’s --loss cached-mnrl', () => {
  it('equals sentence-transformers’ CachedMNRL and MNRL on the same batch (value and gradient), and training lowers it', () => {
    const r = results['cached-mnrl']
    console.log(
      `cached-mnrl: worker ${r.loss.worker.toFixed(6)}, ST CachedMNRL ${r.loss.st_cached.toFixed(6)}, ST MNRL ${r.loss.st_mnrl.toFixed(6)}; grad max |Δ| vs ST cached ${r.grad_diff_vs_st_cached.toExponential(2)}, relative vs MNRL ${r.grad_rel_diff_vs_st_mnrl.toExponential(2)}; loss while training ${r.losses_while_training.map((l) => l.toFixed(4)).join(' → ')}`,
    )
    expect(r.mini_batch_size).toBe(3) // 8 pairs in mini-batches of 3: the cache really is chunked
    expect(r.scale).toBe(20)
    expect(r.loss.worker).toBeGreaterThan(0.01)
    expect(Math.abs(r.loss.worker - r.loss.st_cached)).toBeLessThan(1e-6)
    // Gradient caching changes memory, not the function: the same loss as MNRL over the whole batch.
    expect(Math.abs(r.loss.worker - r.loss.st_mnrl)).toBeLessThan(1e-5)
    expect(r.grad_norm).toBeGreaterThan(0)
    expect(r.grad_diff_vs_st_cached).toBeLessThan(1e-6)
    expect(r.grad_rel_diff_vs_st_mnrl).toBeLessThan(1e-4)
    const l = r.losses_while_training
    expect(l.every((x) => Number.isFinite(x) && x >= 0)).toBe(true)
    expect(l.at(-1)!).toBeLessThan(l[0] * 0.9)
  })

  it('a worker run with it (and label groups) completes: every step has a finite loss', () => {
    const { exit, events } = results['worker-train']
    const start = events.find((e) => e.event === 'start')!
    const steps = events.filter((e) => e.event === 'step')
    const done = events.find((e) => e.event === 'done')
    console.log(`cached-mnrl worker run: ${steps.length} steps (${start?.sampler}), loss ${steps.map((s) => String(s.loss)).join(' ')}`)
    expect(exit, JSON.stringify(events.at(-1))).toBe(0)
    // 4 labels, batches of 4: at most one pair per label in a batch; the sampler tells the trainer how many batches (its
    // schedule), and every step has negatives (a positive loss: no batch of one pair).
    expect(start).toMatchObject({ sampler: 'no-duplicates+groups' })
    const total = start.total_steps as number
    expect(total).toBeGreaterThanOrEqual(3)
    expect(steps.length).toBe(total)
    expect(steps.every((s) => Number.isFinite(s.loss as number) && (s.loss as number) > 0)).toBe(true)
    expect(done).toMatchObject({ step: total })
    expect(fs.existsSync(path.join(runDir, 'trained', 'model.safetensors'))).toBe(true)
  })
})

describe('the worker’s batches for a label source', () => {
  it('never put two pairs of one label in a batch; the plain no-duplicates sampler does', () => {
    const r = results['group-sampler']
    const all = Array.from({ length: r.n }, (_, i) => i)
    console.log(
      `label sampler: ${r.n} pairs, ${r.groups} labels; grouped: ${r.grouped.epochs.map((e) => `${e.batches.length} batches (${e.mixed} with a label twice)`).join(', ')}, length ${r.grouped.len}; plain: ${r.plain.epochs.map((e) => `${e.batches.length} batches (${e.mixed} with a label twice)`).join(', ')}`,
    )
    expect(r.n).toBe(labelPairs.length)
    expect(r.n).toBeGreaterThan(100)
    expect(r.groups).toBe(4)
    // The group is for the sampler only: the model sees the text columns.
    expect(r.columns).toEqual(['anchor', 'positive'])
    expect(r.grouped_has_group_column).toBe(true)
    expect(r.other_dataset_has_group_column).toBe(false)
    for (const e of r.grouped.epochs) {
      expect(e.mixed).toBe(0)
      // Exactly the length the trainer was told (its step count and schedule), batches of 2–4 pairs: a pair alone
      // would have no negative at all, so the tail of a large label waits for another epoch's shuffle.
      expect(e.batches.length).toBe(r.grouped.len)
      for (const b of e.batches) expect(b.length).toBeGreaterThanOrEqual(2)
      expect(Math.max(...e.batches.map((b) => b.length))).toBe(4)
      expect(new Set(e.rows).size).toBeGreaterThanOrEqual(0.85 * r.n) // nearly every pair each epoch (measured: 108 of 120)
      expect(e.rows.every((i) => all.includes(i))).toBe(true)
    }
    // Reshuffled each epoch.
    expect(r.grouped.epochs[0].batches).not.toEqual(r.grouped.epochs[1].batches)
    for (const e of r.plain.epochs) expect(e.mixed).toBeGreaterThan(0)
  })
})
