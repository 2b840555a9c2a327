/**
 * `embedmap finetune --method full` end to end through the real CLI: the real all-MiniLM-L6-v2 PyTorch weights
 * trained by the Python worker (sentence-transformers' trainer in the test venv, pointed at with --python) on a slice
 * of the shared SciFact training files, one epoch with a short max length; the ONNX export passes its parity check,
 * the model is registered with its lineage, and the held-out nDCG@10 of both models is measured by EmbedMap's own
 * embedder and must not get worse.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Embedder } from '../../src-main/embed/embedder'
import { readLineage } from '../../src-main/finetune/lineage'
import { runCli, runCliAsync } from '../helpers/cli'
import { realModel } from '../helpers/real-models'
import { scifactSlice } from '../helpers/scifact-slice'
import { tmpDir } from '../helpers/tmp'

const dir = tmpDir()
const venv = process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv')

interface Metrics {
  ndcg10: number
  recall10: number
  mrr10: number
}

describe('embedmap finetune --method full (real MiniLM, SciFact slice, CPU)', () => {
  it('trains in the Python worker, exports ONNX that passes parity, registers the model, and the held-out nDCG@10 does not get worse', async () => {
    const s = scifactSlice(path.join(dir, 'scifact'), 96, 64)
    const db = path.join(dir, 'w.sqlite')
    const t = performance.now()
    const r = await runCliAsync([
      'finetune',
      '--queries',
      s.queries,
      '--corpus',
      s.corpus,
      '--qrels',
      s.qrels,
      '--model',
      realModel('all-MiniLM-L6-v2'),
      '--method',
      'full',
      '--python',
      venv,
      '--epochs',
      '1',
      '--batch-size',
      '16',
      '--max-length',
      '96',
      '--hard-negatives',
      '1',
      '--eval-split',
      '0.3',
      '--device',
      'cpu',
      '--name',
      'minilm-scifact-full',
      '--json',
      '--db',
      db,
    ])
    if (r.status !== 0) throw new Error(`embedmap finetune exited ${r.status}: ${r.stderr}${r.stdout}`)
    const out = r.json<{
      runId: number
      modelId: string
      modelDir: string
      before: Metrics
      after: Metrics
      run: { steps: { loss: number | null }[]; device: string; hyperparams: Record<string, unknown> }
    }>()
    const seconds = (performance.now() - t) / 1000
    console.log(
      `full fine-tune: ${out.run.steps.length} steps on ${out.run.device} in ${seconds.toFixed(0)} s; held-out nDCG@10 ${out.before.ndcg10.toFixed(4)} → ${out.after.ndcg10.toFixed(4)}, recall@10 ${out.before.recall10.toFixed(4)} → ${out.after.recall10.toFixed(4)}, MRR@10 ${out.before.mrr10.toFixed(4)} → ${out.after.mrr10.toFixed(4)}`,
    )
    expect(out.modelId).toBe('minilm-scifact-full')
    expect(out.run.steps.length).toBeGreaterThan(0)
    // The run record holds every hyper-parameter, the method's defaults included (the learning rate was not given).
    expect(out.run.hyperparams).toMatchObject({ epochs: 1, learningRate: 2e-5, batchSize: 16, maxLength: 96, hardNegatives: 1 })
    expect(out.run.steps.every((st) => st.loss !== null && Number.isFinite(st.loss))).toBe(true)
    // The registered folder: ONNX fp32 + int8, lineage with the parity figures and the measured metrics.
    expect(fs.existsSync(path.join(out.modelDir, 'model.onnx'))).toBe(true)
    expect(fs.existsSync(path.join(out.modelDir, 'model_int8.onnx'))).toBe(true)
    const lineage = readLineage(out.modelDir)!
    expect(lineage.method).toBe('full')
    expect(lineage.parity!.fp32.mean).toBeGreaterThanOrEqual(0.9999)
    expect(lineage.metrics!.after.ndcg10).toBeCloseTo(out.after.ndcg10, 10)
    expect(out.after.ndcg10).toBeGreaterThanOrEqual(out.before.ndcg10)
    // It is an ordinary model now: listed, and loadable by the embedder.
    const { models } = runCli(['models', '--json', '--db', db]).json<{ models: { id: string; source: string }[] }>()
    expect(models.find((m) => m.id === 'minilm-scifact-full')?.source).toBe('finetuned')
    // The run's stage files (vectors, worker checkpoints) are gone once the model is registered.
    expect(fs.readdirSync(path.join(path.dirname(db), 'finetune'))).toEqual([])
  }, 900_000)

  it('the exported model embeds through the ordinary path', async () => {
    const e = await Embedder.load(path.join(dir, 'models', 'minilm-scifact-full'), { device: 'cpu' })
    try {
      const { vectors } = await e.embed(['protein folding in yeast'])
      expect(vectors.length).toBe(384)
    } finally {
      await e.close()
    }
  })
})
