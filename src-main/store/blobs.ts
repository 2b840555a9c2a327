/** Typed arrays in and out of SQLite BLOBs. Reads copy, since a BLOB's Buffer may be unaligned. */
export function toBlob(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

type TypedCtor<T> = { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }

export function fromBlob<T>(blob: Buffer | null | undefined, Ctor: TypedCtor<T>): T | null {
  if (!blob) return null
  const copy = new ArrayBuffer(blob.byteLength)
  new Uint8Array(copy).set(blob)
  return new Ctor(copy)
}
