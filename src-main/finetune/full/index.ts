/** The full fine-tune (Python worker + ONNX export + parity): see README.md. */
export { runFullFinetune } from './run-full-finetune'
export { FULL_DEFAULTS } from './types'
export type { FullFinetuneEvent, FullFinetuneResult, FullHyperParams, FullTrainPair, ParityFigure, PhaseEvent, RunFullFinetuneOptions } from './types'
export { PARITY_THRESHOLD } from './parity'
export { validateBaseModel, validateHyperParams, validatePairs, PYTORCH_WEIGHTS } from './validate'
export { workerScriptPath } from './worker-process'
export * from './events'
