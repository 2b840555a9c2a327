/**
 * `embedmap finetune` end to end through the real CLI on the real all-MiniLM-L6-v2 and slices of the shared SciFact
 * training files: the adapter run registers an ONNX model whose held-out nDCG@10 beats the base, with its lineage,
 * and that model embeds through the ordinary path exactly as the trained adapter says; a cancelled run leaves no
 * model; a run killed with SIGKILL resumes from its finished stages; bad input is refused with nothing written.
 */
import Database from 'better-sqlite3'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { Embedder } from '../../src-main/embed/embedder'
import { applyAdapter } from '../../src-main/finetune/adapter'
import { runCli, startCli } from '../helpers/cli'
import { realModel } from '../helpers/real-models'
import { scifactSlice, type BeirSlice } from '../helpers/scifact-slice'
import { sharedData, tmpDir } from '../helpers/tmp'

const dir = tmpDir()
const scifact = path.join(sharedData, 'en_scifact_retrieval')
const read = (f: string) => parse(fs.readFileSync(path.join(scifact, f)), { columns: true }) as Record<string, string>[]
const model = () => realModel('all-MiniLM-L6-v2')

type Slice = BeirSlice

/** The first `nQueries` judged queries, their documents and `nOthers` unrelated documents (distractors). */
const slice = (name: string, nQueries: number, nOthers: number): Slice => scifactSlice(path.join(dir, name), nQueries, nOthers)

/** The real MiniLM folder without its safetensors: what a catalog download (ONNX only) gives. */
function onnxOnlyBase(): string {
  const out = path.join(dir, 'onnx-only-minilm')
  if (!fs.existsSync(out)) {
    fs.cpSync(model(), out, { recursive: true })
    fs.rmSync(path.join(out, 'model.safetensors'))
  }
  return out
}

const beirArgs = (s: Slice) => ['--queries', s.queries, '--corpus', s.corpus, '--qrels', s.qrels]
const count = (db: string, sql: string) => {
  const d = new Database(db, { readonly: true })
  try {
    return (d.prepare(sql).get() as { n: number }).n
  } finally {
    d.close()
  }
}

async function until(what: string, ok: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** The newest run's row, read straight from the workspace (null until the job created it). */
function runRow(db: string): { id: number; steps: string; status: string; job_id: number } | null {
  if (!fs.existsSync(db)) return null
  const d = new Database(db, { readonly: true, fileMustExist: true })
  try {
    const has = d.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'finetune_runs'`).get() as { n: number }
    if (!has.n) return null
    return (d.prepare(`SELECT id, steps, status, job_id FROM finetune_runs ORDER BY id DESC LIMIT 1`).get() as never) ?? null
  } finally {
    d.close()
  }
}

let main: Slice
let small: Slice

beforeAll(() => {
  main = slice('main', 300, 150)
  small = slice('small', 60, 40)
})

describe('embedmap finetune --method adapter on SciFact', () => {
  const db = path.join(dir, 'main', 'w.sqlite')

  it('registers an ONNX model whose held-out nDCG@10 beats the base, with its lineage', async () => {
    const t = performance.now()
    const r = runCli([
      '--db',
      db,
      '--json',
      'finetune',
      ...beirArgs(main),
      '--model',
      model(),
      '--method',
      'adapter',
      '--max-length',
      '128',
      '--eval-split',
      '0.3',
      '--name',
      'scifact-adapter',
    ])
    expect(r.status, r.stderr).toBe(0)
    const out = r.json()
    const seconds = (performance.now() - t) / 1000
    console.log(
      `finetune CLI: ${out.run.split.report.train} pairs, ${out.before.queries} held-out queries; nDCG@10 ${out.before.ndcg10.toFixed(4)} → ${out.after.ndcg10.toFixed(4)}, recall@10 ${out.before.recall10.toFixed(4)} → ${out.after.recall10.toFixed(4)}, MRR@10 ${out.before.mrr10.toFixed(4)} → ${out.after.mrr10.toFixed(4)} in ${seconds.toFixed(1)} s`,
    )
    expect(out.modelId).toBe('scifact-adapter')
    // Measured 0.80 → 0.88 on this slice; a margin well above noise, well below the gain.
    expect(out.after.ndcg10).toBeGreaterThan(out.before.ndcg10 + 0.02)
    expect(out.run.status).toBe('succeeded')
    expect(out.run.evaluations[0]).toMatchObject({ epoch: 0, ndcg10: out.before.ndcg10 })
    expect(out.run.steps.length).toBeGreaterThan(0)
    expect(out.run.split.vectors.embedded).toBeGreaterThan(0)
    expect(out.run.hyperparams).toMatchObject({ maxLength: 128, evalSplit: 0.3, loss: 'mnrl', batchSize: 32 })

    const lineage = JSON.parse(fs.readFileSync(path.join(out.modelDir, 'embedmap-model.json'), 'utf8'))
    expect(lineage).toMatchObject({
      source: 'finetuned',
      method: 'adapter',
      runId: out.runId,
      base: { dims: 384 },
      data: { fingerprint: out.run.dataFingerprint },
    })
    expect(lineage.metrics.after.ndcg10).toBeCloseTo(out.after.ndcg10, 10)
    expect(lineage.parity.meanCosine).toBeGreaterThanOrEqual(0.9999)

    const models = runCli(['--db', db, '--json', 'models', 'list']).json()
    expect(models.models.find((m: { id: string }) => m.id === 'scifact-adapter')).toMatchObject({ source: 'finetuned', path: out.modelDir })
    const listed = runCli(['--db', db, '--json', 'finetune', 'list']).json()
    expect(listed.map((x: { id: number }) => x.id)).toEqual([out.runId])
    const shown = runCli(['--db', db, 'finetune', 'show', String(out.runId)])
    expect(shown.stdout).toMatch(/nDCG@10/)

    // The registered model through the ordinary embed path = the adapter applied to the base model's vectors.
    const texts = read('queries.csv')
      .slice(500, 520)
      .map((q) => q.text)
    const base = await Embedder.load(model(), { device: 'cpu' })
    const tuned = await Embedder.load(out.modelDir, { device: 'cpu' })
    try {
      const d = base.info.dims
      const w = fs.readFileSync(path.join(out.modelDir, 'adapter_weights.f32'))
      const W = new Float32Array(w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength))
      const want = applyAdapter(W, (await base.embed(texts, { kind: 'query' })).vectors, d)
      const got = (await tuned.embed(texts, { kind: 'query' })).vectors
      expect(tuned.info.outputKind).toBe('sentence_embedding')
      let worst = 1
      for (let i = 0; i < texts.length; i++) {
        let c = 0
        for (let j = 0; j < d; j++) c += got[i * d + j] * want[i * d + j]
        worst = Math.min(worst, c)
      }
      expect(worst).toBeGreaterThanOrEqual(0.9999)
      // And it is not the base model: the adapter moved the vectors.
      const plain = (await base.embed(texts, { kind: 'query' })).vectors
      let same = 0
      for (let j = 0; j < d; j++) same += got[j] * plain[j]
      expect(same).toBeLessThan(0.9999)
    } finally {
      await base.close()
      await tuned.close()
    }
  }, 300_000)
})

describe('stopping a run', () => {
  it('cancel during training leaves the record and no model', async () => {
    const db = path.join(dir, 'small', 'cancel.sqlite')
    const child = startCli([
      '--db',
      db,
      '--json',
      'finetune',
      ...beirArgs(small),
      '--model',
      model(),
      '--max-length',
      '64',
      '--epochs',
      '1000',
      '--patience',
      '1000',
    ])
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    await until('two training epochs', () => (JSON.parse(runRow(db)?.steps ?? '[]') as { epoch: number }[]).some((s) => s.epoch >= 2))
    const runId = runRow(db)!.id
    const c = runCli(['--db', db, '--json', 'finetune', 'cancel', String(runId)])
    expect(c.status, c.stderr).toBe(0)
    expect(await exited).not.toBe(0)
    const run = runCli(['--db', db, '--json', 'finetune', 'show', String(runId)]).json()
    expect(run).toMatchObject({ status: 'cancelled', outputModelId: null })
    expect(count(db, `SELECT count(*) AS n FROM models WHERE source = 'finetuned'`)).toBe(0)
    const modelsDir = path.join(path.dirname(db), 'models')
    expect(fs.existsSync(modelsDir) ? fs.readdirSync(modelsDir) : []).toEqual([])
    expect(fs.readdirSync(path.join(path.dirname(db), 'finetune'))).toEqual([])
  }, 180_000)

  it('kill -9 during training, then resume: finishes from the stored vectors and registers the model', async () => {
    const db = path.join(dir, 'small', 'kill.sqlite')
    const args = ['--db', db, '--json', 'finetune', ...beirArgs(small), '--model', model(), '--max-length', '64', '--epochs', '30', '--patience', '30']
    const child = startCli(args)
    const exited = new Promise<void>((r) => child.on('exit', () => r()))
    await until('a training step', () => (JSON.parse(runRow(db)?.steps ?? '[]') as unknown[]).length >= 1)
    child.kill('SIGKILL')
    await exited
    const runId = runRow(db)!.id
    expect(runCli(['--db', db, '--json', 'finetune', 'show', String(runId)]).json().status).toBe('interrupted')

    const r = runCli(['--db', db, '--json', 'finetune', 'resume', String(runId)])
    expect(r.status, r.stderr).toBe(0)
    const out = r.json()
    expect(out.runId).toBe(runId)
    expect(out.run.status).toBe('succeeded')
    // Nothing embedded again: the vectors came from the killed attempt's stage files.
    expect(out.run.split.vectors).toMatchObject({ embedded: 0 })
    // The loss of every step of the 30 epochs, from the resumed training only (per step, numbered through the run; every
    // epoch has steps — their count varies, as single-anchor batches are dropped — and the last one ends epoch 30).
    const steps = out.run.steps as { step: number; epoch: number }[]
    expect(steps.map((s) => s.step)).toEqual(steps.map((_, i) => i + 1))
    expect(new Set(steps.map((s) => Math.ceil(s.epoch - 1e-9)))).toEqual(new Set(Array.from({ length: 30 }, (_, i) => i + 1)))
    expect(steps.every((s, i) => i === 0 || s.epoch > steps[i - 1].epoch)).toBe(true)
    expect(steps.at(-1)!.epoch).toBeCloseTo(30, 10)
    expect(fs.existsSync(path.join(out.modelDir, 'embedmap-model.json'))).toBe(true)
    expect(count(db, `SELECT count(*) AS n FROM models WHERE source = 'finetuned'`)).toBe(1)
    expect(count(db, `SELECT count(*) AS n FROM finetune_runs`)).toBe(1)
  }, 180_000)
})

describe('bad input is refused clearly, with nothing written', () => {
  const db = path.join(dir, 'bad.sqlite')
  let datasetId: number

  beforeAll(() => {
    const csv = path.join(dir, 'pairs.csv')
    const rows = Array.from({ length: 30 }, (_, i) => ({ question: `question ${i} about cells`, answer: i < 3 ? `answer ${i}` : '' }))
    fs.writeFileSync(csv, stringify(rows, { header: true }))
    datasetId = runCli(['--db', db, '--json', 'import', csv]).json().dataset.id
  })

  const cases: { name: string; args: () => string[]; says: RegExp; model?: () => string }[] = [
    {
      name: 'fewer than 10 pairs',
      args: () => {
        const few = slice('few', 5, 5)
        return [...beirArgs(few)]
      },
      says: /at least 10/,
    },
    {
      name: 'pairs with empty texts',
      args: () => ['--dataset', String(datasetId), '--anchor', 'question', '--positive', 'answer'],
      says: /Only 3 usable.*27 dropped because a side was empty/,
    },
    { name: 'an unknown column', args: () => ['--dataset', String(datasetId), '--anchor', 'question', '--positive', 'nope'], says: /no column 'nope'/ },
    {
      name: 'a Matryoshka dim above the model',
      args: () => [...beirArgs(small), '--matryoshka', '512,256'],
      says: /Matryoshka dim 512 is larger than the model's 384/,
    },
    {
      name: 'a full fine-tune of a base model without PyTorch weights',
      args: () => [...beirArgs(small), '--method', 'full'],
      model: onnxOnlyBase,
      says: /has no PyTorch weights/,
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      const r = runCli(['--db', db, 'finetune', ...c.args(), '--model', (c.model ?? model)()])
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(c.says)
      expect(count(db, `SELECT count(*) AS n FROM finetune_runs`)).toBe(0)
      expect(count(db, `SELECT count(*) AS n FROM jobs WHERE kind = 'finetune'`)).toBe(0)
      expect(count(db, `SELECT count(*) AS n FROM models WHERE source = 'finetuned'`)).toBe(0)
    })
  }
})
