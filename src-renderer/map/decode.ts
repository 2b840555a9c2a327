import { decodeFrame, frameArray, FrameError } from '../../src-main/contract/binary-frame'
import {
  ColumnValuesHeaderSchema,
  MapPointsHeaderSchema,
  TranslationsHeaderSchema,
  type ColumnValuesHeader,
  type MapCluster,
  type TranslationsHeader,
} from '../../src-main/contract'

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

/** Translations placed on the map (contract/translations.ts), with each row's pair looked up in O(1). */
export interface DecodedTranslations {
  header: TranslationsHeader
  /** Each pair's row, its translation's position (pairs × 2) and the row nearest to that translation. */
  rows: Int32Array
  coords: Float32Array
  nearest: Int32Array
  /** Pair index of each map row, −1 for rows without a translation. */
  pairOf: Int32Array
}

/** Validates a translations.get frame against the map it is drawn on (`n` points). */
export function decodeTranslations(bytes: Uint8Array | ArrayBuffer, n: number): DecodedTranslations {
  const frame = decodeFrame(bytes)
  const parsed = TranslationsHeaderSchema.safeParse(frame.header)
  if (!parsed.success) throw new FrameError(`The translation links have an unexpected header: ${parsed.error.issues[0]?.message ?? 'invalid'}.`)
  const header = parsed.data
  const rows = frameArray(frame, 'rows', 'i32', header.pairs)
  const pairOf = new Int32Array(n).fill(-1)
  rows.forEach((r, q) => {
    if (r < 0 || r >= n) throw new FrameError(`A translation links row ${r}, but the map has ${n} rows.`)
    pairOf[r] = q
  })
  return { header, rows, coords: frameArray(frame, 'coords', 'f32', header.pairs * 2), nearest: frameArray(frame, 'nearest', 'i32', header.pairs), pairOf }
}
