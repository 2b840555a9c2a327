import { decodeFrame, frameArray, FrameError } from '../../src-main/contract/binary-frame'
import { ColumnValuesHeaderSchema, MapPointsHeaderSchema, type ColumnValuesHeader, type MapCluster } from '../../src-main/contract'

/** The map's arrays: typed-array views over the one buffer the transport delivered (no copies, no per-point objects). */
export interface DecodedPoints {
  runId: number
  n: number
  coords: Float32Array
  cluster: Int32Array
  anomaly: Float32Array
  flags: Uint8Array
  clusters: MapCluster[]
  /** The coarse level above the clusters (labels shown zoomed out), or null. */
  coarse: { parentOf: number[]; clusters: MapCluster[] } | null
}

/** Validates the analysis.points frame at the boundary: header schema, array types and lengths against n. */
export function decodePoints(bytes: Uint8Array | ArrayBuffer): DecodedPoints {
  const frame = decodeFrame(bytes)
  const parsed = MapPointsHeaderSchema.safeParse(frame.header)
  if (!parsed.success) throw new FrameError(`The map data has an unexpected header: ${parsed.error.issues[0]?.message ?? 'invalid'}.`)
  const { runId, n, clusters, coarse } = parsed.data
  try {
    return {
      runId,
      n,
      coords: frameArray(frame, 'coords', 'f32', n * 2),
      cluster: frameArray(frame, 'cluster', 'i32', n),
      anomaly: frameArray(frame, 'anomaly', 'f32', n),
      flags: frameArray(frame, 'flags', 'u8', n),
      clusters,
      coarse,
    }
  } catch (err) {
    throw new FrameError(`The map data of run ${runId} is inconsistent (${n} points): ${(err as Error).message}.`)
  }
}

export type ColumnValues =
  | { header: Extract<ColumnValuesHeader, { type: 'categorical' }>; codes: Uint16Array }
  | { header: Extract<ColumnValuesHeader, { type: 'numeric' }>; values: Float32Array }

/** Validates a datasets.column frame: codes (u16) or values (f32), one per row. */
export function decodeColumn(bytes: Uint8Array | ArrayBuffer): ColumnValues {
  const frame = decodeFrame(bytes)
  const parsed = ColumnValuesHeaderSchema.safeParse(frame.header)
  if (!parsed.success) throw new FrameError(`The column data has an unexpected header: ${parsed.error.issues[0]?.message ?? 'invalid'}.`)
  const header = parsed.data
  if (header.type === 'categorical') {
    if (header.counts.length !== header.categories.length) throw new FrameError('The column data lists categories and counts of different lengths.')
    return { header, codes: frameArray(frame, 'codes', 'u16', header.n) }
  }
  return { header, values: frameArray(frame, 'values', 'f32', header.n) }
}
