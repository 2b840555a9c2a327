/** The lineage file's schema round trip, and the worker's event lines parsed strictly but tolerantly. */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseEventLine, trainEvent } from '../../../src-main/finetune/full/events'
import { LINEAGE_FILE, LINEAGE_KIND, type Lineage, readLineage, setLineageMetrics, writeLineage } from '../../../src-main/finetune/lineage'
import { realModel } from '../../helpers/real-models'
import { tmpDir } from '../../helpers/tmp'

const lineage: Lineage = {
  kind: LINEAGE_KIND,
  schemaVersion: 1,
  id: 'all-MiniLM-L6-v2-ft-r1',
  displayName: 'all-MiniLM-L6-v2 fine-tuned (r1)',
  method: 'full',
  runId: 'r1',
  createdAt: '2026-12-07T21:00:00.000Z',
  baseModel: { id: 'all-MiniLM-L6-v2', repository: 'sentence-transformers/all-MiniLM-L6-v2' },
  data: { fingerprint: 'abc', trainPairs: 48, evalPairs: 8 },
  hyperParams: { loss: 'mnrl', scale: 20, batchSize: 8, epochs: 1, learningRate: 5e-5, warmupRatio: 0.1, maxSeqLength: 32, hardNegatives: 0, seed: 42 },
  training: { device: 'cpu', steps: 6, stepsPerSecond: 0.03, durationMs: 1000, finalLoss: 0.4 },
  dims: 384,
  pooling: 'mean',
  normalize: true,
  maxLength: 256,
  prefixes: { query: '', passage: '' },
  onnx: { fp32: 'model.onnx', int8: 'model_int8.onnx', opset: 17, inputs: ['input_ids', 'attention_mask', 'token_type_ids'], output: 'last_hidden_state' },
  parity: { fp32: { mean: 1, min: 0.99999, n: 16 }, threshold: 0.9999 },
  metrics: null,
}

describe('lineage', () => {
  it('writes, reads back and fills in the metrics', () => {
    const dir = tmpDir()
    writeLineage(dir, lineage)
    expect(readLineage(dir)).toEqual(lineage)
    const m = { ndcg10: 0.61, recall10: 0.8, mrr10: 0.55 }
    const next = setLineageMetrics(dir, { before: m, after: { ...m, ndcg10: 0.66 }, split: 'held-out 10 %' })
    expect(readLineage(dir)?.metrics?.after.ndcg10).toBe(0.66)
    expect(next.metrics?.before.ndcg10).toBe(0.61)
  })

  it('ignores a model manifest that is not a fine-tune lineage, refuses a broken one', () => {
    expect(readLineage(realModel('all-MiniLM-L6-v2'))).toBeUndefined()
    const dir = tmpDir()
    fs.writeFileSync(path.join(dir, LINEAGE_FILE), JSON.stringify({ ...lineage, dims: 'big' }))
    expect(() => readLineage(dir)).toThrow(/dims/)
    expect(() => writeLineage(dir, { ...lineage, method: 'other' as 'full' })).toThrow(/method/)
  })
})

describe('worker events', () => {
  it('parses event lines and skips anything else', () => {
    const step =
      '{"event": "step", "step": 3, "total_steps": 6, "loss": 0.4, "lr": 4e-05, "epoch": 0.5, "elapsed": 22.6, "steps_per_second": null, "device": "cpu", "extra": 1}'
    expect(parseEventLine(step, trainEvent)).toMatchObject({ event: 'step', step: 3, loss: 0.4, extra: 1 })
    expect(parseEventLine("{'loss': '0.2334'}", trainEvent)).toBeUndefined()
    expect(parseEventLine('Loading weights: 100%', trainEvent)).toBeUndefined()
    expect(parseEventLine('{"event": "step", "step": "three"}', trainEvent)).toBeUndefined()
    expect(parseEventLine('{"event": "error", "message": "x", "kind": "input"}', trainEvent)).toMatchObject({ event: 'error', kind: 'input' })
  })
})
