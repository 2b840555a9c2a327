/**
 * The worker's JSON Lines events (resources/finetune/worker.py), typed and validated. Unknown extra fields
 * pass through (a newer worker may add some); a line that is not an event is reported, never fatal.
 */
import { z } from 'zod'

const num = z.number()
const optNum = z.number().nullable().optional()

export const startEvent = z.looseObject({
  event: z.literal('start'),
  step: z.number().int(),
  total_steps: z.number().int(),
  epochs: num,
  device: z.string(),
  resumed_from: z.string().nullable().optional(),
  batch_size: z.number().int().optional(),
  /** 'no-duplicates', or 'no-duplicates+groups' when rows of one group are kept out of each other's batches. */
  sampler: z.string().optional(),
})
export const stepEvent = z.looseObject({
  event: z.literal('step'),
  step: z.number().int(),
  total_steps: z.number().int(),
  loss: num,
  lr: num,
  epoch: num,
  elapsed: num,
  steps_per_second: optNum,
  device: z.string(),
})
export const evalEvent = z.looseObject({ event: z.literal('eval'), step: z.number().int(), epoch: num, metrics: z.record(z.string(), num) })
export const checkpointEvent = z.looseObject({ event: z.literal('checkpoint'), step: z.number().int(), total_steps: z.number().int(), path: z.string() })
export const trainDoneEvent = z.looseObject({
  event: z.literal('done'),
  step: z.number().int(),
  total_steps: z.number().int(),
  steps_this_run: z.number().int(),
  resumed_from: z.string().nullable().optional(),
  device: z.string(),
  steps_per_second: optNum,
  train_seconds: num,
  elapsed: num,
  peak_gpu_memory_bytes: optNum,
  final_loss: optNum,
  trained_dir: z.string(),
  versions: z.record(z.string(), z.string()).optional(),
})
export const exportStageEvent = z.looseObject({ event: z.literal('export'), stage: z.enum(['fp32', 'int8']), path: z.string(), seconds: num })
export const exportDoneEvent = z.looseObject({
  event: z.literal('done'),
  export_dir: z.string(),
  fp32: z.string(),
  int8: z.string().nullable(),
  opset: z.number().int(),
  inputs: z.array(z.string()),
  output: z.string(),
  dims: z.number().int(),
  max_seq_length: z.number().int(),
  reference: z.string(),
  seconds: num,
})
export const cancelledEvent = z.looseObject({ event: z.literal('cancelled'), step: z.number().int(), checkpoint: z.string().nullable().optional() })
export const errorEvent = z.looseObject({
  event: z.literal('error'),
  message: z.string(),
  kind: z.enum(['input', 'environment', 'internal']).optional(),
  module: z.string().optional(),
})

export const trainEvent = z.union([startEvent, stepEvent, evalEvent, checkpointEvent, trainDoneEvent, cancelledEvent, errorEvent])
export const exportEvent = z.union([exportStageEvent, exportDoneEvent, errorEvent, cancelledEvent])

export type StartEvent = z.infer<typeof startEvent>
export type StepEvent = z.infer<typeof stepEvent>
export type EvalEvent = z.infer<typeof evalEvent>
export type CheckpointEvent = z.infer<typeof checkpointEvent>
export type TrainDoneEvent = z.infer<typeof trainDoneEvent>
export type ExportDoneEvent = z.infer<typeof exportDoneEvent>
export type ErrorEvent = z.infer<typeof errorEvent>
export type TrainEvent = z.infer<typeof trainEvent>
export type ExportEvent = z.infer<typeof exportEvent>

/** Parses one stdout line with `schema`; undefined for a line that is not one of its events. */
export function parseEventLine<T>(line: string, schema: z.ZodType<T>): T | undefined {
  const s = line.trim()
  if (!s.startsWith('{')) return undefined
  let raw: unknown
  try {
    raw = JSON.parse(s)
  } catch {
    return undefined
  }
  const r = schema.safeParse(raw)
  return r.success ? r.data : undefined
}
