import type { ChannelInput, Column } from '../../../src-main/contract'

export type SourceKind = 'columns' | 'label' | 'clusters'

/** What the Fine-tune form holds; numbers as typed (strings), turned into the channel input by `toStartInput`. */
export type MethodKind = 'adapter' | 'full'

export interface FinetuneFormState {
  model: string
  method: MethodKind
  source: SourceKind
  anchor: string
  positive: string
  negative: string
  label: string
  name: string
  hyper: Record<HyperKey, string>
}

export type HyperKey =
  'epochs' | 'batchSize' | 'learningRate' | 'identityPenalty' | 'hardNegatives' | 'relativeMargin' | 'evalSplit' | 'seed' | 'maxLength' | 'matryoshka'

/** Each knob with its default and one line on what it does. */
export const HYPER_FIELDS: { key: HyperKey; label: string; def: string; help: string }[] = [
  { key: 'epochs', label: 'Epochs', def: '10', help: 'Passes over the pairs; training stops early when the held-out score stops rising.' },
  { key: 'batchSize', label: 'Batch size', def: '32', help: 'Pairs per step; every other pair in the batch is a negative.' },
  { key: 'learningRate', label: 'Learning rate', def: '0.001', help: 'Step size of the optimiser (Adam).' },
  { key: 'identityPenalty', label: 'Identity penalty', def: '0.01', help: 'Keeps the adapter close to the base model so small data does not overfit.' },
  { key: 'hardNegatives', label: 'Hard negatives', def: '3', help: 'Mined per anchor: close to it, yet not its positive (0 = in-batch only).' },
  { key: 'relativeMargin', label: 'Margin', def: '0.05', help: 'A negative must score this much (relative) below the positive, to skip unlabeled positives.' },
  { key: 'evalSplit', label: 'Held-out share', def: '0.1', help: 'Kept aside to measure before/after; never trained on.' },
  { key: 'seed', label: 'Seed', def: '42', help: 'Same seed, same split and batches.' },
  { key: 'maxLength', label: 'Max tokens', def: '', help: 'Texts are cut to this many tokens (empty: the model’s own).' },
  { key: 'matryoshka', label: 'Matryoshka dims', def: '', help: 'Also train shorter prefixes of the vector, e.g. 256,128,64 (empty: off).' },
]

export function initialForm(columns: Column[]): FinetuneFormState {
  const names = columns.map((c) => c.name)
  return {
    model: '',
    method: 'adapter',
    source: 'columns',
    anchor: names[0] ?? '',
    positive: names[1] ?? names[0] ?? '',
    negative: '',
    label: names[0] ?? '',
    name: '',
    hyper: Object.fromEntries(HYPER_FIELDS.map((f) => [f.key, f.def])) as Record<HyperKey, string>,
  }
}

export function toStartInput(datasetId: number, f: FinetuneFormState): ChannelInput<'finetune.start'> {
  const source: ChannelInput<'finetune.start'>['source'] =
    f.source === 'columns'
      ? { kind: 'columns', datasetId, anchor: f.anchor, positive: f.positive, ...(f.negative ? { negative: f.negative } : {}) }
      : f.source === 'label'
        ? { kind: 'label', datasetId, label: f.label }
        : { kind: 'clusters', datasetId }
  const hyper: Record<string, unknown> = {}
  for (const { key } of HYPER_FIELDS) {
    const raw = f.hyper[key].trim()
    if (!raw) continue
    hyper[key] = key === 'matryoshka' ? raw.split(',').map((d) => Number(d.trim())) : Number(raw)
  }
  return { source, method: f.method, hyper, ...(f.model ? { model: f.model } : {}), ...(f.name.trim() ? { name: f.name.trim() } : {}) }
}

/** Epochs and learning rate differ by orders of magnitude between the methods: switching moves the defaults along. */
export function withMethod(f: FinetuneFormState, method: MethodKind): FinetuneFormState {
  const defaults = { adapter: { epochs: '10', learningRate: '0.001' }, full: { epochs: '1', learningRate: '0.00002' } }
  const from = defaults[f.method]
  const to = defaults[method]
  const hyper = { ...f.hyper }
  for (const k of ['epochs', 'learningRate'] as const) if (hyper[k].trim() === from[k]) hyper[k] = to[k]
  return { ...f, method, hyper }
}
