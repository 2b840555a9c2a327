import type { MapPoints } from '../../src-main/contract'

/** The map's arrays, decoded from the base64 the transport carries. */
export interface DecodedPoints {
  runId: number
  n: number
  coords: Float32Array
  cluster: Int32Array
  anomaly: Float32Array
  flags: Uint8Array
  clusters: MapPoints['clusters']
}

/** base64 → a fresh, aligned ArrayBuffer. */
export function base64ToBuffer(b64: string): ArrayBuffer {
  const bin = atob(b64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return bytes.buffer
}

export function decodePoints(p: MapPoints): DecodedPoints {
  const coords = new Float32Array(base64ToBuffer(p.coords))
  const cluster = new Int32Array(base64ToBuffer(p.cluster))
  const anomaly = new Float32Array(base64ToBuffer(p.anomaly))
  const flags = new Uint8Array(base64ToBuffer(p.flags))
  if (coords.length !== p.n * 2 || cluster.length !== p.n || anomaly.length !== p.n || flags.length !== p.n) {
    throw new Error(`The map data of run ${p.runId} is inconsistent (${p.n} points).`)
  }
  return { runId: p.runId, n: p.n, coords, cluster, anomaly, flags, clusters: p.clusters }
}
