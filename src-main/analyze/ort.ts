/**
 * Small ONNX graphs built in code and run with onnxruntime-node, for the dense linear algebra of the
 * analysis modules (MLAS SGEMM on all CPU threads is ~20–40× faster than a scalar JS dot loop):
 *
 *  - `simTopK`:   S = Q · Cᵀ, TopK(S, K) → exact nearest neighbours of a block of queries.
 *  - `assign`:    S = X · Cᵀ → ArgMax/ReduceMax per row, plus per-cluster sums (OneHotᵀ · X) and
 *                 counts: one whole Lloyd step of spherical k-means.
 *
 * The ModelProto bytes are written by a ~80-line protobuf encoder below, so production code does not
 * need the `onnx-proto` package (a devDependency). onnxruntime-node is loaded lazily; if it cannot be
 * loaded, `getOrt()` returns null and callers use their plain-JS path.
 */
import type * as OrtNS from 'onnxruntime-node'

type Ort = typeof OrtNS

// ---- minimal protobuf writer ------------------------------------------------------------------------

class PB {
  private parts: number[] = []
  private varint(v: number | bigint): void {
    let x = BigInt.asUintN(64, BigInt(v))
    while (x >= 0x80n) {
      this.parts.push(Number(x & 0x7fn) | 0x80)
      x >>= 7n
    }
    this.parts.push(Number(x))
  }
  int(field: number, v: number | bigint): this {
    this.varint((field << 3) | 0)
    this.varint(v)
    return this
  }
  float(field: number, v: number): this {
    this.varint((field << 3) | 5)
    const b = new Uint8Array(new Float32Array([v]).buffer)
    this.parts.push(...b)
    return this
  }
  bytes(field: number, b: Uint8Array): this {
    this.varint((field << 3) | 2)
    this.varint(b.length)
    for (let i = 0; i < b.length; i++) this.parts.push(b[i])
    return this
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s))
  }
  msg(field: number, m: PB): this {
    return this.bytes(field, m.finish())
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts)
  }
}

const FLOAT = 1
const INT64 = 7

type Attr = number | number[] | { f: number }

function nodeProto(op: string, inputs: string[], outputs: string[], attrs: Record<string, Attr> = {}): PB {
  const n = new PB()
  for (const i of inputs) n.str(1, i)
  for (const o of outputs) n.str(2, o)
  n.str(3, `${op}_${outputs[0]}`)
  n.str(4, op)
  for (const [name, v] of Object.entries(attrs)) {
    const a = new PB().str(1, name)
    if (typeof v === 'number') a.int(3, v).int(20, 2)
    else if (Array.isArray(v)) {
      for (const x of v) a.int(8, x)
      a.int(20, 7)
    } else a.float(2, v.f).int(20, 1)
    n.msg(5, a)
  }
  return n
}

function valueInfo(name: string, elemType: number, dims: Array<string | number>): PB {
  const shape = new PB()
  for (const d of dims) shape.msg(1, typeof d === 'string' ? new PB().str(2, d) : new PB().int(1, d))
  const tensorType = new PB().int(1, elemType).msg(2, shape)
  return new PB().str(1, name).msg(2, new PB().msg(1, tensorType))
}

function tensorProto(name: string, dims: number[], type: number, raw: Uint8Array): PB {
  const t = new PB()
  for (const d of dims) t.int(1, d)
  t.int(2, type)
  t.str(8, name)
  t.bytes(9, raw)
  return t
}

function int64Init(name: string, dims: number[], values: number[]): PB {
  return tensorProto(name, dims, INT64, new Uint8Array(BigInt64Array.from(values.map(BigInt)).buffer))
}
function floatInit(name: string, dims: number[], values: number[]): PB {
  return tensorProto(name, dims, FLOAT, new Uint8Array(Float32Array.from(values).buffer))
}

function modelProto(nodes: PB[], inits: PB[], inputs: PB[], outputs: PB[], opset = 17): Uint8Array {
  const g = new PB()
  for (const n of nodes) g.msg(1, n)
  g.str(2, 'embedmap_analyze')
  for (const i of inits) g.msg(5, i)
  for (const i of inputs) g.msg(11, i)
  for (const o of outputs) g.msg(12, o)
  return new PB()
    .int(1, 8) // ir_version
    .str(2, 'embedmap-analyze')
    .msg(7, g)
    .msg(8, new PB().str(1, '').int(2, opset))
    .finish()
}

/** Graph: Q [b,d], C [m,d] → values/indices of TopK(Q·Cᵀ, K) along axis 1 (largest, sorted). */
export function simTopKModel(K: number): Uint8Array {
  return modelProto(
    [nodeProto('Gemm', ['Q', 'C'], ['S'], { transB: 1 }), nodeProto('TopK', ['S', 'K'], ['values', 'indices'], { axis: 1, largest: 1, sorted: 1 })],
    [int64Init('K', [1], [K])],
    [valueInfo('Q', FLOAT, ['b', 'd']), valueInfo('C', FLOAT, ['m', 'd'])],
    [valueInfo('values', FLOAT, ['b', K]), valueInfo('indices', INT64, ['b', K])],
  )
}

/** Graph: X [b,d], C [k,d] → S = X·Cᵀ [b,k] (for silhouette / search / tests). */
export function gemmModel(): Uint8Array {
  return modelProto(
    [nodeProto('Gemm', ['X', 'C'], ['S'], { transB: 1 })],
    [],
    [valueInfo('X', FLOAT, ['b', 'd']), valueInfo('C', FLOAT, ['k', 'd'])],
    [valueInfo('S', FLOAT, ['b', 'k'])],
  )
}

/**
 * Graph for one Lloyd step of spherical k-means over a block:
 *   S = X·Cᵀ; assign = ArgMax(S,1); best = ReduceMax(S,1); H = OneHot(assign, k) (float);
 *   sums = Hᵀ·X [k,d]; counts = ReduceSum(H, 0) [k].
 */
export function assignModel(k: number): Uint8Array {
  return modelProto(
    [
      nodeProto('Gemm', ['X', 'C'], ['S'], { transB: 1 }),
      nodeProto('ArgMax', ['S'], ['assign'], { axis: 1, keepdims: 0, select_last_index: 0 }),
      nodeProto('ReduceMax', ['S'], ['best'], { axes: [1], keepdims: 0 }),
      nodeProto('OneHot', ['assign', 'depth', 'onoff'], ['H'], { axis: -1 }),
      nodeProto('Gemm', ['H', 'X'], ['sums'], { transA: 1 }),
      nodeProto('ReduceSum', ['H', 'axis0'], ['counts'], { keepdims: 0 }),
    ],
    [int64Init('depth', [], [k]), floatInit('onoff', [2], [0, 1]), int64Init('axis0', [1], [0])],
    [valueInfo('X', FLOAT, ['b', 'd']), valueInfo('C', FLOAT, [k, 'd'])],
    [valueInfo('assign', INT64, ['b']), valueInfo('best', FLOAT, ['b']), valueInfo('sums', FLOAT, [k, 'd']), valueInfo('counts', FLOAT, [k])],
  )
}

// ---- runtime ------------------------------------------------------------------------------------------

let ortPromise: Promise<Ort | null> | undefined
let ortError: string | undefined

/** onnxruntime-node, or null when it cannot be loaded (then callers use plain JS). */
export function getOrt(): Promise<Ort | null> {
  if (process.env.EMBEDMAP_ANALYZE_NO_ORT === '1') return Promise.resolve(null)
  ortPromise ??= import('onnxruntime-node')
    .then((m) => ((m as unknown as { default?: Ort }).default ?? m) as Ort)
    .catch((e: unknown) => {
      ortError = e instanceof Error ? e.message : String(e)
      return null
    })
  return ortPromise
}

export function ortLoadError(): string | undefined {
  return ortError
}

const sessions = new Map<string, Promise<OrtNS.InferenceSession>>()

/** A cached CPU session for a graph (keyed by `key`). Threads: all cores unless EMBEDMAP_ANALYZE_THREADS. */
export async function session(ort: Ort, key: string, build: () => Uint8Array): Promise<OrtNS.InferenceSession> {
  let s = sessions.get(key)
  if (!s) {
    const threads = Number(process.env.EMBEDMAP_ANALYZE_THREADS) || 0
    s = ort.InferenceSession.create(build(), {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      // ORT's pool threads otherwise busy-wait after each run and starve the JS thread and other
      // native pools (measured: usearch after an ORT kNN ran 3× slower).
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    })
    sessions.set(key, s)
    s.catch(() => sessions.delete(key))
  }
  return s
}

/** A float32 tensor over (a view of) a Float32Array, without copying. */
export function f32(ort: Ort, data: Float32Array, dims: number[]): OrtNS.Tensor {
  return new ort.Tensor('float32', data, dims)
}
