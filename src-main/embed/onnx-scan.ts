/**
 * Reads the structure of an ONNX file (nodes and initializer shapes) WITHOUT loading its weights:
 * a minimal protobuf walker over positional reads, so a 2 GB model costs a few hundred small reads.
 * Used to find the word-embedding table's row count (to catch a tokenizer from another model).
 */
import fs from 'node:fs'

export interface OnnxInitializerInfo {
  dims: number[]
  dataType: number
}

export interface OnnxNodeInfo {
  opType: string
  domain: string
  inputs: string[]
  outputs: string[]
}

export interface OnnxScan {
  irVersion?: number
  /** `location`s of tensors stored outside the file (initializers and Constant-node tensors), as written. */
  externalLocations: string[]
  initializers: Map<string, OnnxInitializerInfo>
  nodes: OnnxNodeInfo[]
  graphInputs: string[]
  graphOutputs: string[]
}

const WINDOW = 64 * 1024

class PositionalReader {
  private buf = Buffer.alloc(WINDOW)
  private start = 0
  private end = 0
  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  private fill(pos: number): void {
    const n = fs.readSync(this.fd, this.buf, 0, WINDOW, pos)
    this.start = pos
    this.end = pos + n
  }

  byte(pos: number): number {
    if (pos < this.start || pos >= this.end) {
      if (pos >= this.size) throw new Error(`truncated protobuf at byte ${pos}`)
      this.fill(pos)
    }
    return this.buf[pos - this.start]
  }

  bytes(pos: number, len: number): Buffer {
    if (pos + len > this.size) throw new Error(`truncated protobuf at byte ${pos}`)
    if (pos >= this.start && pos + len <= this.end) return Buffer.from(this.buf.subarray(pos - this.start, pos - this.start + len))
    const out = Buffer.alloc(len)
    fs.readSync(this.fd, out, 0, len, pos)
    return out
  }

  /** A varint at pos: its value (exact up to 2^53) and the position after it. */
  varint(pos: number): [number, number] {
    let result = 0
    let mul = 1
    for (let i = 0; i < 10; i++) {
      const b = this.byte(pos++)
      result += (b & 0x7f) * mul
      if (b < 0x80) return [result, pos]
      mul *= 128
    }
    throw new Error(`bad varint at byte ${pos}`)
  }
}

type FieldVisitor = (field: number, wire: number, pos: number, len: number, value: number) => void

/** Calls `visit` for each field of the message in [start, end); for wire type 2, pos/len is the payload. */
function walk(r: PositionalReader, start: number, end: number, visit: FieldVisitor): void {
  let pos = start
  while (pos < end) {
    const [tag, p1] = r.varint(pos)
    const field = Math.floor(tag / 8)
    const wire = tag & 7
    pos = p1
    if (wire === 0) {
      const [v, p2] = r.varint(pos)
      visit(field, wire, pos, p2 - pos, v)
      pos = p2
    } else if (wire === 1) {
      visit(field, wire, pos, 8, 0)
      pos += 8
    } else if (wire === 5) {
      visit(field, wire, pos, 4, 0)
      pos += 4
    } else if (wire === 2) {
      const [len, p2] = r.varint(pos)
      if (p2 + len > end) throw new Error(`field ${field} overruns its message at byte ${p2}`)
      visit(field, wire, p2, len, len)
      pos = p2 + len
    } else {
      throw new Error(`unsupported protobuf wire type ${wire} at byte ${pos}`)
    }
  }
  if (pos !== end) throw new Error('protobuf message overran its length')
}

function str(r: PositionalReader, pos: number, len: number): string {
  return r.bytes(pos, len).toString('utf8')
}

function readNode(r: PositionalReader, start: number, end: number, externalLocations: string[]): OnnxNodeInfo {
  const node: OnnxNodeInfo = { opType: '', domain: '', inputs: [], outputs: [] }
  walk(r, start, end, (field, wire, pos, len) => {
    if (wire !== 2) return
    if (field === 1) node.inputs.push(str(r, pos, len))
    else if (field === 2) node.outputs.push(str(r, pos, len))
    else if (field === 4) node.opType = str(r, pos, len)
    else if (field === 7) node.domain = str(r, pos, len)
    else if (field === 5) {
      // AttributeProto: a Constant's tensor (t = 5, tensors = 10) may live in external data too.
      walk(r, pos, pos + len, (aField, aWire, aPos, aLen) => {
        if (aWire === 2 && (aField === 5 || aField === 10)) externalLocations.push(...readTensorHeader(r, aPos, aPos + aLen).external)
      })
    }
  })
  return node
}

/** The `location` entry of a TensorProto's external_data (field 13: key = 1, value = 2). */
function readExternalLocation(r: PositionalReader, start: number, end: number): string | undefined {
  let key = ''
  let value = ''
  walk(r, start, end, (field, wire, pos, len) => {
    if (wire !== 2) return
    if (field === 1) key = str(r, pos, len)
    else if (field === 2) value = str(r, pos, len)
  })
  return key === 'location' ? value : undefined
}

function readTensorHeader(r: PositionalReader, start: number, end: number): { name: string; external: string[] } & OnnxInitializerInfo {
  const t = { name: '', dims: [] as number[], dataType: 0, external: [] as string[] }
  walk(r, start, end, (field, wire, pos, len, value) => {
    if (field === 1 && wire === 0) t.dims.push(value)
    else if (field === 1 && wire === 2) {
      // packed dims
      let p = pos
      while (p < pos + len) {
        const [v, next] = r.varint(p)
        t.dims.push(v)
        p = next
      }
    } else if (field === 2 && wire === 0) t.dataType = value
    else if (field === 8 && wire === 2) t.name = str(r, pos, len)
    else if (field === 13 && wire === 2) {
      const location = readExternalLocation(r, pos, pos + len)
      if (location !== undefined) t.external.push(location)
    }
    // field 9 (raw_data) and the typed data fields are skipped without reading them
  })
  return t
}

function readValueInfoName(r: PositionalReader, start: number, end: number): string {
  let name = ''
  walk(r, start, end, (field, wire, pos, len) => {
    if (field === 1 && wire === 2) name = str(r, pos, len)
  })
  return name
}

/** Scans an .onnx file's top-level graph. Throws (plain Error) if the file is not a readable ModelProto. */
export function scanOnnx(file: string): OnnxScan {
  const fd = fs.openSync(file, 'r')
  try {
    const size = fs.fstatSync(fd).size
    const r = new PositionalReader(fd, size)
    const scan: OnnxScan = { initializers: new Map(), nodes: [], graphInputs: [], graphOutputs: [], externalLocations: [] }
    let sawGraph = false
    walk(r, 0, size, (field, wire, pos, len, value) => {
      if (field === 1 && wire === 0) scan.irVersion = value
      if (field !== 7 || wire !== 2) return
      sawGraph = true
      walk(r, pos, pos + len, (gField, gWire, gPos, gLen) => {
        if (gWire !== 2) return
        if (gField === 1) scan.nodes.push(readNode(r, gPos, gPos + gLen, scan.externalLocations))
        else if (gField === 5) {
          const t = readTensorHeader(r, gPos, gPos + gLen)
          scan.initializers.set(t.name, { dims: t.dims, dataType: t.dataType })
          scan.externalLocations.push(...t.external)
        } else if (gField === 11) scan.graphInputs.push(readValueInfoName(r, gPos, gPos + gLen))
        else if (gField === 12) scan.graphOutputs.push(readValueInfoName(r, gPos, gPos + gLen))
      })
    })
    if (!sawGraph) throw new Error('no graph in the file')
    return scan
  } finally {
    fs.closeSync(fd)
  }
}

const PASS_THROUGH = new Set(['Cast', 'Identity', 'Reshape', 'Flatten', 'Unsqueeze', 'Squeeze'])
const DEQUANT = new Set(['DequantizeLinear', 'Cast', 'Identity', 'DynamicQuantizeLinear'])

/**
 * Rows of the table that `idsInput` indexes (the word embeddings), when the graph shows it:
 * Gather(table, input_ids) — possibly through Cast/Reshape of the ids and DequantizeLinear of the
 * table — or the fused EmbedLayerNormalization / GatherBlockQuantized ops. undefined when not found.
 */
export function embeddingRows(scan: OnnxScan, idsInput = 'input_ids'): number | undefined {
  const idsNames = new Set([idsInput])
  for (let changed = true; changed;) {
    changed = false
    for (const n of scan.nodes) {
      if (PASS_THROUGH.has(n.opType) && idsNames.has(n.inputs[0]) && n.outputs[0] && !idsNames.has(n.outputs[0])) {
        idsNames.add(n.outputs[0])
        changed = true
      }
    }
  }
  const producer = new Map<string, OnnxNodeInfo>()
  for (const n of scan.nodes) for (const o of n.outputs) producer.set(o, n)
  const rowsOf = (name: string | undefined, depth = 0): number | undefined => {
    if (!name || depth > 4) return undefined
    const init = scan.initializers.get(name)
    if (init) return init.dims.length >= 2 ? init.dims[0] : undefined
    const p = producer.get(name)
    if (p && DEQUANT.has(p.opType)) return rowsOf(p.inputs[0], depth + 1)
    return undefined
  }
  for (const n of scan.nodes) {
    if ((n.opType === 'Gather' || n.opType === 'GatherBlockQuantized') && idsNames.has(n.inputs[1])) {
      const rows = rowsOf(n.inputs[0])
      if (rows) return rows
    }
    if (n.opType === 'EmbedLayerNormalization' && idsNames.has(n.inputs[0])) {
      const rows = rowsOf(n.inputs[2])
      if (rows) return rows
    }
  }
  return undefined
}
