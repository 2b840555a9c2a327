/**
 * Turns a trained adapter into a model folder: the base folder's tokenizer and settings, the base ONNX graph with the
 * adapter appended (finetune/adapter-onnx.ts), and the lineage file. The folder is written under a temporary name and
 * checked — texts embedded through the normal path must match the adapter applied to the base vectors (cosine ≥
 * 0.9999) — before it is moved into place, so a model folder that exists is one that works.
 */
import fs from 'node:fs'
import path from 'node:path'
import { Embedder, MODEL_MARKER, type EmbedderLoadOptions } from '../../embed'
import { EmbedMapError } from '../../errors'
import { writeAdapterModel } from '../../finetune/adapter-onnx'
import { applyAdapter } from '../../finetune/adapter'

/** Mean cosine the exported model must reach against applyAdapter on the base vectors. */
export const PARITY_MIN_COSINE = 0.9999
/** d × d float32 little-endian, row-major, y = normalize(W x) on the base model's normalised vector. */
export const ADAPTER_WEIGHTS_FILE = 'adapter_weights.f32'

export interface AdapterModelInput {
  base: Embedder
  weights: Float32Array
  outDir: string
  lineage: Record<string, unknown>
  /** Texts to check the export on, with their kind, and the base vectors of those texts. */
  check: { texts: string[]; kind: 'query' | 'passage'; baseVectors: Float32Array }
  /** How the base was loaded (device, maxLength): the check loads the new model the same way. */
  load: EmbedderLoadOptions
}

export interface AdapterModelResult {
  dir: string
  onnxFile: string
  parity: { meanCosine: number; minCosine: number; texts: number }
}

/** Files of the base folder that describe the tokenizer and settings (everything but weights and our marker). */
function isSettingsFile(rel: string): boolean {
  const base = path.basename(rel)
  return !(
    base.endsWith('.onnx') ||
    base.endsWith('.onnx_data') ||
    base.endsWith('.onnx.data') ||
    base.endsWith('.safetensors') ||
    base.endsWith('.bin') ||
    base.endsWith('.pt') ||
    base === MODEL_MARKER ||
    base === ADAPTER_WEIGHTS_FILE
  )
}

export async function writeAdapterFolder(input: AdapterModelInput): Promise<AdapterModelResult> {
  const info = input.base.info
  const partial = `${input.outDir}.partial`
  fs.rmSync(partial, { recursive: true, force: true })
  fs.mkdirSync(path.dirname(partial), { recursive: true })
  fs.cpSync(info.dir, partial, { recursive: true, filter: (src) => src === info.dir || fs.statSync(src).isDirectory() || isSettingsFile(src) })
  const relOnnx = path.relative(info.dir, info.onnxFile)
  const onnxOut = path.join(partial, relOnnx)
  fs.mkdirSync(path.dirname(onnxOut), { recursive: true })
  // Weights kept outside the graph are referenced by a name relative to the .onnx file: copy them beside it.
  for (const f of fs.readdirSync(path.dirname(info.onnxFile))) {
    if (f.startsWith(path.basename(info.onnxFile)) && f !== path.basename(info.onnxFile) && /(_data|\.data)$/.test(f)) {
      fs.copyFileSync(path.join(path.dirname(info.onnxFile), f), path.join(path.dirname(onnxOut), f))
    }
  }
  writeAdapterModel(info.onnxFile, onnxOut, {
    baseOutput: info.output,
    outputKind: info.outputKind,
    pooling: info.pooling,
    maskInput: 'attention_mask',
    weights: input.weights,
    dims: info.fullDims,
  })
  if (info.outputKind === 'token_states' && !info.inputs.includes('attention_mask') && info.pooling === 'mean')
    throw new EmbedMapError('BAD_INPUT', `${info.id} takes no attention mask; an adapter cannot pool its tokens.`)

  // The matrix itself, beside the graph: applying it to stored base vectors gives this model's vectors without a model run.
  const w = input.weights
  fs.writeFileSync(path.join(partial, ADAPTER_WEIGHTS_FILE), Buffer.from(w.buffer, w.byteOffset, w.byteLength))
  const parity = await checkParity(partial, input)
  fs.writeFileSync(path.join(partial, MODEL_MARKER), JSON.stringify({ ...input.lineage, parity }, null, 2) + '\n')
  fs.rmSync(input.outDir, { recursive: true, force: true })
  fs.renameSync(partial, input.outDir)
  return { dir: input.outDir, onnxFile: path.join(input.outDir, relOnnx), parity }
}

/** Embeds the check texts with the written model through the ordinary embedder and compares. */
async function checkParity(dir: string, input: AdapterModelInput): Promise<AdapterModelResult['parity']> {
  const d = input.base.info.dims
  const want = applyAdapter(input.weights, input.check.baseVectors, d)
  const model = await Embedder.load(dir, input.load)
  let got: Float32Array
  try {
    got = (await model.embed(input.check.texts, { kind: input.check.kind })).vectors
  } finally {
    await model.close()
  }
  let sum = 0
  let min = 1
  const n = input.check.texts.length
  for (let i = 0; i < n; i++) {
    let c = 0
    for (let j = 0; j < d; j++) c += got[i * d + j] * want[i * d + j]
    sum += c
    min = Math.min(min, c)
  }
  const meanCosine = n ? sum / n : 1
  if (meanCosine < PARITY_MIN_COSINE) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw new EmbedMapError(
      'INTERNAL',
      `The exported adapter model does not reproduce the trained adapter (mean cosine ${meanCosine.toFixed(6)} < ${PARITY_MIN_COSINE}).`,
      'Nothing was registered. Please report this with the base model used.',
    )
  }
  return { meanCosine, minCosine: min, texts: n }
}
