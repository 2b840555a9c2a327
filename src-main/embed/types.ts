/** Types shared by the embedding modules (no runtime code). */

export type Pooling = 'mean' | 'cls' | 'last_token' | 'max'
export type Variant = 'fp32' | 'int8' | 'fp16'
export type Device = 'auto' | 'cpu' | 'cuda' | 'dml' | 'coreml'
/** Which prefix/instruction to put in front of each text. 'none' = the raw text. */
export type EmbedKind = 'query' | 'passage' | 'clustering' | 'none'

export const VARIANTS: readonly Variant[] = ['fp32', 'int8', 'fp16']
export const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda', 'dml', 'coreml']

export interface Prefixes {
  query: string
  passage: string
  /** For symmetric use (maps, clustering); falls back to `passage` when absent. */
  clustering?: string
}

/** What onnxruntime ended up running on, and why it is not what was asked for (null when it is). */
export interface ProviderInfo {
  requested: Device
  used: 'cpu' | 'cuda' | 'dml' | 'coreml'
  fallbackReason: string | null
}
