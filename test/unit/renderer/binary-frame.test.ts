import { describe, expect, it } from 'vitest'
import { decodeFrame, encodeFrame, FrameError } from '../../../src-main/contract/binary-frame'

describe('binary frame', () => {
  it('round-trips a header and arrays of every type, each at an 8-byte aligned offset', () => {
    const arrays = {
      a: new Float32Array([1.5, -2, Number.NaN]),
      b: new Int32Array([-1, 7]),
      c: new Uint8Array([1, 2, 3, 4, 5]),
      d: new Uint16Array([65535, 0, 9]),
      e: new Uint32Array([4_000_000_000]),
    }
    const bytes = encodeFrame('test', { n: 3, name: 'é 中文' }, arrays)
    const f = decodeFrame(bytes)
    expect(f.header.kind).toBe('test')
    expect(f.header.name).toBe('é 中文')
    for (const info of f.header.arrays) expect(info.offset % 8).toBe(0)
    expect(Array.from(f.arrays.get('a')!)).toEqual([1.5, -2, Number.NaN])
    expect(Array.from(f.arrays.get('b')!)).toEqual([-1, 7])
    expect(Array.from(f.arrays.get('c')!)).toEqual([1, 2, 3, 4, 5])
    expect(Array.from(f.arrays.get('d')!)).toEqual([65535, 0, 9])
    expect(Array.from(f.arrays.get('e')!)).toEqual([4_000_000_000])
    // Decodes from an ArrayBuffer and from a misaligned copy (IPC may hand over a view at any offset).
    expect(Array.from(decodeFrame(bytes.buffer).arrays.get('b')!)).toEqual([-1, 7])
    const shifted = new Uint8Array(bytes.length + 3)
    shifted.set(bytes, 3)
    expect(Array.from(decodeFrame(shifted.subarray(3)).arrays.get('e')!)).toEqual([4_000_000_000])
  })

  it('refuses bad magic, truncated data and arrays outside the buffer', () => {
    const bytes = encodeFrame('t', {}, { x: new Float32Array(100) })
    expect(() => decodeFrame(new Uint8Array(4))).toThrow(FrameError)
    const bad = bytes.slice()
    bad[0] = 0x58
    expect(() => decodeFrame(bad)).toThrow(/bad magic/)
    expect(() => decodeFrame(bytes.subarray(0, bytes.length - 4))).toThrow(/runs past the end/)
    // A header that claims more bytes than exist.
    const long = bytes.slice()
    new DataView(long.buffer).setUint32(4, 1e9, true)
    expect(() => decodeFrame(long)).toThrow(/header runs past/)
  })
})
