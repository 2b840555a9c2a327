/**
 * Appends a trained adapter to a base model's ONNX graph, so the result is an ordinary sentence-embedding model:
 *
 *   token states ─ pooling ─ L2 normalise ─ MatMul(x, Wᵀ) ─ L2 normalise ─▶ sentence_embedding
 *
 * The base graph outputs token states and EmbedMap pools them in TypeScript; the adapter must act on the pooled,
 * normalised vector (what it was trained on), so the pooling moves into the graph too. Mean pooling needs no division:
 * normalise(Σ mask·h / Σ mask) = normalise(Σ mask·h), so it is one MatMul of the mask with the token states. The old
 * outputs are dropped: the new graph has one output, `sentence_embedding`, which the embedder reads as is.
 *
 * The file is rewritten at the protobuf level (no onnx library at run time): every field of the model is copied byte
 * for byte except the graph's outputs, and the new nodes, the Wᵀ initializer and the new output are appended to the
 * graph. Weights stored as external data keep their `location`, so the caller copies those files beside the new one.
 */
import fs from 'node:fs'
import { EmbedMapError } from '../errors'

export interface AdapterGraphSpec {
  /** Graph output the base model's vectors come from. */
  baseOutput: string
  /** 'token_states': [batch, seq, hidden] to pool here; 'sentence_embedding': [batch, hidden], already pooled. */
  outputKind: 'token_states' | 'sentence_embedding'
  pooling: 'mean' | 'cls' | 'max' | 'last_token'
  /** Name of the attention-mask input (mean pooling needs it). */
  maskInput: string
  /** d × d row-major, y = W x (as trainAdapter returns it). */
  weights: Float32Array
  dims: number
}

const PREFIX = 'embedmap_adapter/'
export const ADAPTED_OUTPUT = 'sentence_embedding'

// ---- protobuf writing --------------------------------------------------------------------------------------------

function varint(n: number | bigint): Buffer {
  let v = BigInt(n)
  if (v < 0n) v += 1n << 64n
  const out: number[] = []
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return Buffer.from(out)
}

const key = (field: number, wire: number) => varint(field * 8 + wire)
const bytesField = (field: number, payload: Buffer) => Buffer.concat([key(field, 2), varint(payload.length), payload])
const strField = (field: number, s: string) => bytesField(field, Buffer.from(s, 'utf8'))
const intField = (field: number, n: number) => Buffer.concat([key(field, 0), varint(n)])

/** AttributeProto with an int value (type INT = 2). */
function intAttr(name: string, value: number): Buffer {
  return Buffer.concat([strField(1, name), intField(3, value), intField(20, 2)])
}

function node(op: string, inputs: string[], outputs: string[], attrs: Buffer[] = []): Buffer {
  const parts = [...inputs.map((i) => strField(1, i)), ...outputs.map((o) => strField(2, o)), strField(3, PREFIX + outputs[0]), strField(4, op)]
  for (const a of attrs) parts.push(bytesField(5, a))
  return bytesField(1, Buffer.concat(parts))
}

const FLOAT = 1
const INT64 = 7

function tensor(name: string, dataType: number, dims: number[], raw: Buffer): Buffer {
  const parts = [...dims.map((d) => intField(1, d)), intField(2, dataType), strField(8, name), bytesField(9, raw)]
  return bytesField(5, Buffer.concat(parts))
}

function int64Tensor(name: string, values: number[], dims: number[]): Buffer {
  const a = BigInt64Array.from(values.map((v) => BigInt(v)))
  return tensor(name, INT64, dims, Buffer.from(a.buffer, a.byteOffset, a.byteLength))
}

/** ValueInfoProto of a float tensor [batch, dims]. */
function floatOutput(name: string, dims: number): Buffer {
  const dim = (d: Buffer) => bytesField(1, d)
  const shape = Buffer.concat([dim(strField(2, 'batch')), dim(intField(1, dims))])
  const tensorType = Buffer.concat([intField(1, FLOAT), bytesField(2, shape)])
  return bytesField(12, Buffer.concat([strField(1, name), bytesField(2, bytesField(1, tensorType))]))
}

// ---- protobuf reading (whole buffer) -----------------------------------------------------------------------------

interface Field {
  field: number
  wire: number
  /** The whole field, key included. */
  start: number
  end: number
  /** Payload of a length-delimited field. */
  payload?: [number, number]
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0
  let mul = 1
  for (let i = 0; i < 10; i++) {
    const b = buf[pos++]
    if (b === undefined) throw new Error('truncated protobuf')
    result += (b & 0x7f) * mul
    if (b < 0x80) return [result, pos]
    mul *= 128
  }
  throw new Error('bad varint')
}

function fields(buf: Buffer, start: number, end: number): Field[] {
  const out: Field[] = []
  let pos = start
  while (pos < end) {
    const fieldStart = pos
    const [tag, p1] = readVarint(buf, pos)
    const field = Math.floor(tag / 8)
    const wire = tag & 7
    pos = p1
    if (wire === 0) pos = readVarint(buf, pos)[1]
    else if (wire === 1) pos += 8
    else if (wire === 5) pos += 4
    else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos)
      out.push({ field, wire, start: fieldStart, end: p2 + len, payload: [p2, p2 + len] })
      pos = p2 + len
      continue
    } else throw new Error(`unsupported protobuf wire type ${wire}`)
    out.push({ field, wire, start: fieldStart, end: pos })
  }
  if (pos !== end) throw new Error('protobuf message overran its length')
  return out
}

/** The nodes that turn the base output into the adapted, normalised sentence embedding. */
function adapterNodes(spec: AdapterGraphSpec): { nodes: Buffer[]; initializers: Buffer[] } {
  const n = (s: string) => PREFIX + s
  const nodes: Buffer[] = []
  const initializers: Buffer[] = []
  let pooled: string
  if (spec.outputKind === 'sentence_embedding') {
    pooled = spec.baseOutput
  } else if (spec.pooling === 'mean') {
    initializers.push(int64Tensor(n('shape_b1s'), [0, 1, -1], [3]), int64Tensor(n('shape_bh'), [0, -1], [2]))
    nodes.push(
      node('Cast', [spec.maskInput], [n('mask_f')], [intAttr('to', FLOAT)]),
      node('Reshape', [n('mask_f'), n('shape_b1s')], [n('mask_b1s')]),
      node('MatMul', [n('mask_b1s'), spec.baseOutput], [n('sum_b1h')]),
      node('Reshape', [n('sum_b1h'), n('shape_bh')], [n('pooled')]),
    )
    pooled = n('pooled')
  } else if (spec.pooling === 'cls') {
    initializers.push(int64Tensor(n('first'), [0], []))
    nodes.push(node('Gather', [spec.baseOutput, n('first')], [n('pooled')], [intAttr('axis', 1)]))
    pooled = n('pooled')
  } else {
    throw new EmbedMapError(
      'BAD_INPUT',
      `An adapter cannot yet be appended to a model with ${spec.pooling} pooling.`,
      'Use a model with mean or CLS pooling (most sentence-transformers models), or the full fine-tune.',
    )
  }
  // Wᵀ so that a row vector x gives x Wᵀ = (W x)ᵀ.
  const d = spec.dims
  const wt = new Float32Array(d * d)
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) wt[j * d + i] = spec.weights[i * d + j]
  initializers.push(tensor(n('Wt'), FLOAT, [d, d], Buffer.from(wt.buffer, wt.byteOffset, wt.byteLength)))
  nodes.push(
    node('LpNormalization', [pooled], [n('base_vector')], [intAttr('axis', 1), intAttr('p', 2)]),
    node('MatMul', [n('base_vector'), n('Wt')], [n('adapted')]),
    node('LpNormalization', [n('adapted')], [ADAPTED_OUTPUT], [intAttr('axis', 1), intAttr('p', 2)]),
  )
  return { nodes, initializers }
}

/** The base model bytes with the adapter appended (see the file comment). */
export function appendAdapter(model: Buffer, spec: AdapterGraphSpec): Buffer {
  if (spec.weights.length !== spec.dims * spec.dims) throw new EmbedMapError('INTERNAL', `adapter weights are not ${spec.dims} × ${spec.dims}`)
  const top = fields(model, 0, model.length)
  const graphs = top.filter((f) => f.field === 7 && f.wire === 2)
  if (graphs.length !== 1) throw new EmbedMapError('BAD_INPUT', 'The base ONNX file does not hold exactly one graph.')
  const { nodes, initializers } = adapterNodes(spec)
  const parts: Buffer[] = []
  for (const f of top) {
    if (f !== graphs[0]) {
      parts.push(model.subarray(f.start, f.end))
      continue
    }
    const [gs, ge] = f.payload!
    const kept = fields(model, gs, ge)
      .filter((g) => !(g.field === 12 && g.wire === 2))
      .map((g) => model.subarray(g.start, g.end))
    parts.push(bytesField(7, Buffer.concat([...kept, ...nodes, ...initializers, floatOutput(ADAPTED_OUTPUT, spec.dims)])))
  }
  return Buffer.concat(parts)
}

/** Reads the base ONNX file, appends the adapter and writes the result (through a temporary file). */
export function writeAdapterModel(baseOnnx: string, outOnnx: string, spec: AdapterGraphSpec): void {
  const out = appendAdapter(fs.readFileSync(baseOnnx), spec)
  const tmp = `${outOnnx}.partial`
  fs.writeFileSync(tmp, out)
  fs.renameSync(tmp, outOnnx)
}
