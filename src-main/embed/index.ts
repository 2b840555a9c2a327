/** The embedding core: catalog, model folders, tokenization, sessions, pooling, the Embedder, downloads. */
export * from './types'
export {
  approxDownloadBytes,
  approxTrainingBytes,
  defaultModelId,
  defaultVariantOf,
  findCatalogModel,
  getCatalogModel,
  listCatalogModels,
  loadCatalog,
  parseCatalog,
} from './catalog'
export type { Catalog, CatalogModel } from './catalog'
export { findOnnxVariants, modelVersion, resolveModelFolder, MODEL_MARKER } from './model-folder'
export type { ResolvedModelFolder, ResolveOptions } from './model-folder'
export { TextTokenizer, padBatch } from './tokenize'
export { checkDims, l2NormalizeRows, pool, truncateDims } from './pooling'
export { createSession, physicalCoreCount, planProviders, providerEnvironment } from './session'
export { Embedder, resolveModelLocation } from './embedder'
export type { EmbedderInfo, EmbedderLoadOptions, EmbedOptions, EmbedResult } from './embedder'
export { downloadModel, proxyFor } from './download'
export type { DownloadOptions, DownloadProgress, DownloadResult } from './download'
export { downloadTrainingWeights, trainingWeightsFolder, trainingWeightsNeeded } from './training-weights'
export type { TrainingWeightsResult } from './training-weights'
