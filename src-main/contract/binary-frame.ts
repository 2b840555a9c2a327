/**
 * One binary message that carries typed arrays plus a small JSON header, for the channels whose answers are too big
 * for JSON (the map's 1M points, one column's values). The same bytes travel over Electron IPC (a Uint8Array,
 * structured-cloned) and browser-mode HTTP (application/octet-stream), and the renderer reads the arrays as views
 * over the received buffer: no per-point objects, no base64.
 *
 * Layout (little-endian):
 *   0  'EMF1' magic
 *   4  u32 byte length H of the header JSON
 *   8  header JSON (UTF-8), H bytes
 *   …  each array at an 8-byte aligned offset, as listed in header.arrays
 *
 * Pure: no Node APIs, so the renderer imports it too.
 */
export const FRAME_MAGIC = 'EMF1'
export const FRAME_CONTENT_TYPE = 'application/octet-stream'

export type DType = 'f32' | 'i32' | 'u32' | 'u16' | 'u8'
export type TypedArray = Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array

const CTORS = { f32: Float32Array, i32: Int32Array, u32: Uint32Array, u16: Uint16Array, u8: Uint8Array } as const

export interface FrameArrayInfo {
  name: string
  dtype: DType
  /** Byte offset from the start of the frame. */
  offset: number
  /** Element count. */
  length: number
}

export interface FrameHeader {
  kind: string
  arrays: FrameArrayInfo[]
  [key: string]: unknown
}

export class FrameError extends Error {}

function dtypeOf(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'f32'
  if (a instanceof Int32Array) return 'i32'
  if (a instanceof Uint32Array) return 'u32'
  if (a instanceof Uint16Array) return 'u16'
  return 'u8'
}

const align8 = (n: number) => (n + 7) & ~7

/** Packs a header (any JSON-safe fields) and named typed arrays into one frame. */
export function encodeFrame(kind: string, fields: Record<string, unknown>, arrays: Record<string, TypedArray>): Uint8Array<ArrayBuffer> {
  const names = Object.keys(arrays)
  // Offsets depend on the header's length, which depends on the offsets' digits: fix the header length first with
  // placeholder offsets padded to the widest value, then fill in the real ones (JSON numbers may be space-padded).
  const infos: FrameArrayInfo[] = names.map((name) => ({ name, dtype: dtypeOf(arrays[name]), offset: 0, length: arrays[name].length }))
  const probe = new TextEncoder().encode(JSON.stringify({ ...fields, kind, arrays: infos.map((i) => ({ ...i, offset: 2 ** 52 })) }))
  let cursor = align8(8 + probe.length)
  for (let i = 0; i < names.length; i++) {
    infos[i].offset = cursor
    cursor = align8(cursor + arrays[names[i]].byteLength)
  }
  const header = new TextEncoder().encode(JSON.stringify({ ...fields, kind, arrays: infos }))
  if (header.length > probe.length) throw new FrameError('frame header grew while encoding')
  const out = new Uint8Array(cursor)
  out.set(new TextEncoder().encode(FRAME_MAGIC), 0)
  new DataView(out.buffer).setUint32(4, probe.length, true)
  out.set(header, 8)
  out.fill(0x20, 8 + header.length, 8 + probe.length) // pad the JSON with spaces
  for (let i = 0; i < names.length; i++) {
    const a = arrays[names[i]]
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), infos[i].offset)
  }
  return out
}

export interface DecodedFrame {
  header: FrameHeader
  arrays: Map<string, TypedArray>
}

/**
 * Reads a frame: checks the magic, the header, and that every array lies inside the buffer at an aligned offset;
 * arrays come back as views over the buffer (copied once only when the buffer itself is misaligned).
 */
export function decodeFrame(input: Uint8Array | ArrayBuffer): DecodedFrame {
  let bytes = input instanceof Uint8Array ? input : new Uint8Array(input)
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice()
  if (bytes.byteLength < 8) throw new FrameError(`a binary frame needs at least 8 bytes, got ${bytes.byteLength}`)
  const magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3])
  if (magic !== FRAME_MAGIC) throw new FrameError('not an EmbedMap binary frame (bad magic)')
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getUint32(4, true)
  if (8 + headerLength > bytes.byteLength) throw new FrameError('the frame header runs past the end of the data')
  let header: FrameHeader
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as FrameHeader
  } catch {
    throw new FrameError('the frame header is not valid JSON')
  }
  if (!header || typeof header !== 'object' || typeof header.kind !== 'string' || !Array.isArray(header.arrays)) {
    throw new FrameError('the frame header lacks kind or arrays')
  }
  const arrays = new Map<string, TypedArray>()
  for (const info of header.arrays) {
    const Ctor = CTORS[info?.dtype as DType]
    if (!Ctor || typeof info.name !== 'string') throw new FrameError(`array ${String(info?.name)} has an unknown type`)
    const { offset, length } = info
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 8 + headerLength || length < 0 || offset % 8 !== 0) {
      throw new FrameError(`array ${info.name} has a bad offset or length`)
    }
    if (offset + length * Ctor.BYTES_PER_ELEMENT > bytes.byteLength) throw new FrameError(`array ${info.name} runs past the end of the data`)
    arrays.set(info.name, new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset + offset, length))
  }
  return { header, arrays }
}

/** The named array with the expected type and length, or a FrameError saying what is wrong. */
export function frameArray<D extends DType>(frame: DecodedFrame, name: string, dtype: D, length: number): InstanceType<(typeof CTORS)[D]> {
  const a = frame.arrays.get(name)
  if (!a) throw new FrameError(`the frame has no ${name} array`)
  if (!(a instanceof CTORS[dtype])) throw new FrameError(`${name} should be ${dtype}`)
  if (a.length !== length) throw new FrameError(`${name} has ${a.length} values, expected ${length}`)
  return a as InstanceType<(typeof CTORS)[D]>
}
