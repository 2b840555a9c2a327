/**
 * The full fine-tune for real: all-MiniLM-L6-v2's PyTorch weights trained by the Python worker (the test venv's
 * sentence-transformers) on a small slice of the shared SciFact training pairs, exported to ONNX and checked
 * against the trained PyTorch model through EmbedMap's own embedder. Small on purpose (48 pairs, batch 8, max
 * length 32: 6 steps) so it fits CI on a 2-core CPU.
 *
 * One run is killed with SIGKILL right after its step-2 checkpoint and resumed: the step counter continues
 * at 3, and the resumed run finishes, exports and passes parity. A cancelled run leaves no model. Bad
 * inputs are refused before anything is written or any Python starts.
 */
import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Embedder } from '../../src-main/embed/embedder'
import { EmbedMapError } from '../../src-main/errors'
import { runFullFinetune, type FullFinetuneEvent, type RunFullFinetuneOptions } from '../../src-main/finetune/full'
import { readLineage } from '../../src-main/finetune/lineage'
import { pairsFromBeir } from '../../src-main/finetune/pairs'
import { realModel } from '../helpers/real-models'
import { sharedData, tmpDir } from '../helpers/tmp'

const venv = process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv')
const env = { python: path.join(venv, 'bin', 'python') }
const base = realModel('all-MiniLM-L6-v2')

const dataDir = path.join(sharedData, 'en_scifact_retrieval')
const read = (f: string) => parse(fs.readFileSync(path.join(dataDir, f)), { columns: true }) as Record<string, string>[]
const split = pairsFromBeir(
  {
    queries: read('queries.csv').map((r) => ({ id: r.query_id, text: r.text })),
    corpus: read('corpus.csv').map((r) => ({ id: r.doc_id, title: r.title, text: r.text })),
    qrels: read('qrels.csv').map((r) => ({ queryId: r.query_id, docId: r.doc_id, score: Number(r.score) })),
  },
  { evalFraction: 0.1, seed: 42 },
)
const train = split.train.slice(0, 48)
const heldout = split.eval.slice(0, 8)
const hyperParams = { batchSize: 8, maxSeqLength: 32, epochs: 1, saveSteps: 2, device: 'cpu' as const, learningRate: 5e-5 }

async function rejection(p: Promise<unknown>): Promise<EmbedMapError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(EmbedMapError)
    return err as EmbedMapError
  }
  throw new Error('expected a rejection')
}

describe('runFullFinetune on SciFact with all-MiniLM-L6-v2', () => {
  it('survives kill -9 after a checkpoint, resumes from it, exports ONNX that matches PyTorch', async () => {
    const runDir = path.join(tmpDir('embedmap-ft-full-'), 'run')
    const opts: RunFullFinetuneOptions = {
      env,
      baseModel: base,
      baseModelId: 'all-MiniLM-L6-v2',
      trainPairs: train,
      evalPairs: heldout,
      hyperParams: { ...hyperParams, matryoshkaDims: [384, 128] },
      runDir,
      runId: 'r1',
      dataSource: 'SciFact train slice',
    }

    // 1. The first worker dies (SIGKILL, no chance to clean up) right after its step-2 checkpoint.
    let pid = 0
    const first: FullFinetuneEvent[] = []
    const crashed = await rejection(
      runFullFinetune({
        ...opts,
        onWorkerSpawn: (p) => (pid = p),
        onEvent: (e) => {
          first.push(e)
          if (e.event === 'checkpoint' && e.step === 2) process.kill(pid, 'SIGKILL')
        },
      }),
    )
    expect(crashed.message).toMatch(/killed \(SIGKILL\)/)
    expect(crashed.hint).toMatch(/resumes from the last checkpoint/)
    const start1 = first.find((e) => e.event === 'start')
    expect(start1).toMatchObject({ step: 0, total_steps: 6, device: 'cpu' })
    expect(fs.existsSync(path.join(runDir, 'checkpoints', 'checkpoint-2'))).toBe(true)
    expect(fs.existsSync(path.join(runDir, 'model'))).toBe(false)

    // 2. The same run folder again: it continues at step 3, finishes, exports, passes parity.
    const second: FullFinetuneEvent[] = []
    const result = await runFullFinetune({ ...opts, onEvent: (e) => second.push(e) })
    const start2 = second.find((e) => e.event === 'start')
    expect(start2).toMatchObject({ step: 2, total_steps: 6 })
    expect(start2 && 'resumed_from' in start2 && start2.resumed_from).toMatch(/checkpoint-2$/)
    const steps2 = second.flatMap((e) => (e.event === 'step' ? [e.step] : []))
    expect(steps2).toEqual([3, 4, 5, 6])
    for (const e of second) if (e.event === 'step') expect(Number.isFinite(e.loss) && e.loss > 0).toBe(true)
    expect(result.resumedFromStep).toBe(2)
    expect(result.steps).toBe(6)
    expect(result.device).toBe('cpu')
    expect(result.lossCurve.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6])
    expect(result.stepsPerSecond).toBeGreaterThan(0)

    // Parity: ONNX through EmbedMap's embedder vs the trained PyTorch model on held-out texts.
    expect(result.parity.fp32.mean).toBeGreaterThanOrEqual(0.9999)
    expect(result.parity.fp32.n).toBe(16)
    expect(result.parity.int8!.mean).toBeGreaterThan(0.95)
    console.log(
      `full fine-tune: ${result.steps} steps, ${result.stepsPerSecond?.toFixed(3)} steps/s (resumed run), parity fp32 mean ${result.parity.fp32.mean.toFixed(7)} min ${result.parity.fp32.min.toFixed(7)}, int8 mean ${result.parity.int8!.mean.toFixed(5)} min ${result.parity.int8!.min.toFixed(5)}, ${(result.durationMs / 1000).toFixed(1)} s`,
    )

    // The folder is an ordinary EmbedMap model with its lineage; no half-export is left behind.
    expect(result.onnxDir).toBe(path.join(runDir, 'model'))
    expect(fs.existsSync(path.join(runDir, 'export.partial'))).toBe(false)
    const lineage = readLineage(result.onnxDir)!
    expect(lineage).toMatchObject({
      method: 'full',
      runId: 'r1',
      baseModel: { id: 'all-MiniLM-L6-v2' },
      data: { trainPairs: 48, evalPairs: 8, fingerprint: result.dataFingerprint },
      hyperParams: { loss: 'mnrl', batchSize: 8, maxSeqLength: 32, matryoshkaDims: [384, 128] },
      dims: 384,
      pooling: 'mean',
      normalize: true,
      maxLength: 256,
      matryoshkaDims: [384, 128],
      onnx: { fp32: 'model.onnx', int8: 'model_int8.onnx' },
      metrics: null,
    })
    const e = await Embedder.load(result.onnxDir, { device: 'cpu' })
    let tuned: Float32Array
    try {
      expect(e.info.id).toBe(path.basename(result.onnxDir))
      expect(e.info.dims).toBe(384)
      expect(e.info.maxLength).toBe(256)
      expect(e.info.matryoshkaDims).toEqual([384, 128]) // carried over from the lineage
      tuned = (await e.embed([heldout[0].anchor])).vectors
    } finally {
      await e.close()
    }
    // The weights moved: the same text gets another vector than from the base model.
    const b = await Embedder.load(base, { device: 'cpu' })
    try {
      const before = (await b.embed([heldout[0].anchor])).vectors
      let dot = 0
      for (let i = 0; i < 384; i++) dot += before[i] * tuned[i]
      expect(dot).toBeLessThan(0.99999)
      expect(dot).toBeGreaterThan(0.5)
    } finally {
      await b.close()
    }
  }, 600_000)

  it('cancel stops the worker and leaves no exported model', async () => {
    const runDir = path.join(tmpDir('embedmap-ft-full-'), 'run')
    const ac = new AbortController()
    const events: FullFinetuneEvent[] = []
    const err = await rejection(
      runFullFinetune({
        env,
        baseModel: base,
        trainPairs: train,
        hyperParams,
        runDir,
        signal: ac.signal,
        killGraceMs: 120_000,
        onEvent: (e) => {
          events.push(e)
          if (e.event === 'step' && e.step === 1) ac.abort()
        },
      }),
    )
    expect(err.code).toBe('CANCELLED')
    // SIGTERM during step 2 stops the worker mid-step (no wait for the grace period's SIGKILL).
    expect(err.message).toMatch(/was cancelled before its first checkpoint/)
    expect(events.find((e) => e.event === 'cancelled')).toMatchObject({ step: 1, checkpoint: null })
    expect(events.some((e) => e.event === 'step' && e.step >= 2)).toBe(false)
    for (const f of ['model', 'export.partial', 'trained']) expect(fs.existsSync(path.join(runDir, f))).toBe(false)
  }, 300_000)
})

describe('runFullFinetune refuses bad input before writing anything', () => {
  const root = tmpDir('embedmap-ft-bad-')
  const runDir = path.join(root, 'run')
  const call = (o: Partial<RunFullFinetuneOptions>) => runFullFinetune({ env, baseModel: base, trainPairs: train, hyperParams, runDir, ...o })

  it.each([
    ['fewer than 10 pairs', { trainPairs: train.slice(0, 9) }, /at least 10 training pairs, got 9/],
    ['an empty anchor', { trainPairs: [...train.slice(0, 12), { anchor: '  ', positive: 'x' }] }, /training pair 13 has an empty anchor/],
    ['an empty positive in the held-out pairs', { evalPairs: [{ anchor: 'q', positive: '' }] }, /held-out pair 1 has an empty positive/],
    [
      'a Matryoshka dim larger than the model',
      { hyperParams: { ...hyperParams, matryoshkaDims: [512, 256] } },
      /Matryoshka dim 512 is larger than the model's 384 dims/,
    ],
  ])('%s', async (_name, o, message) => {
    const err = await rejection(call(o as Partial<RunFullFinetuneOptions>))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toMatch(message)
    expect(fs.existsSync(runDir)).toBe(false)
  })

  it('a base model without PyTorch weights', async () => {
    const onnxOnly = path.join(root, 'onnx-only')
    fs.mkdirSync(onnxOnly)
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'modules.json', 'model.onnx'])
      fs.copyFileSync(path.join(base, f), path.join(onnxOnly, f))
    const err = await rejection(call({ baseModel: onnxOnly, baseSourceRepo: 'sentence-transformers/all-MiniLM-L6-v2' }))
    expect(err.details?.reason).toBe('NO_PYTORCH_WEIGHTS')
    expect(err.message).toMatch(/has no PyTorch weights \(model\.safetensors or pytorch_model\.bin\)/)
    expect(err.hint).toMatch(/sentence-transformers\/all-MiniLM-L6-v2.*--method adapter/)
    expect(fs.existsSync(runDir)).toBe(false)
  })
})
