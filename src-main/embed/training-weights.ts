/**
 * The PyTorch weights a full fine-tune trains, for a catalog model: its `sourceRepo`'s sentence-transformers folder
 * (model.safetensors — else pytorch_model.bin —, config.json, the tokenizer files, the sentence-transformers module
 * files), fetched by the ONNX download's machinery (resume, HF_ENDPOINT mirror, proxies, HF_TOKEN) into
 * `<model folder>/training/`, beside the ONNX files the app embeds with (whose settings stay the catalog's).
 *
 * The folder only ever appears whole: files land in `training.partial/` (partial files resume from there in a later
 * run) and it is renamed once all are there. A repository without weights, config or tokenizer is an error that
 * removes `training.partial/`: there is nothing to resume.
 */
import fs from 'node:fs'
import path from 'node:path'
import { EmbedMapError } from '../errors'
import { cacheDir } from '../paths'
import { approxTrainingBytes, type CatalogModel, getCatalogModel } from './catalog'
import { type DownloadOptions, downloadRepoFiles, type RepoDownloadResult, type RepoFileSpec, takeDownloadLock } from './download'

export const TRAINING_SUBDIR = 'training'
export const TRAINING_MARKER = 'embedmap-training.json'
export const PYTORCH_WEIGHT_FILES = ['model.safetensors', 'pytorch_model.bin'] as const

/** What sentence-transformers loads; the optional ones are skipped when the repository has no such file. */
export const TRAINING_FILES: readonly RepoFileSpec[] = [
  { path: 'config.json' },
  { path: 'model.safetensors', alternatives: ['pytorch_model.bin'] },
  { path: 'tokenizer.json', optional: true },
  { path: 'tokenizer_config.json', optional: true },
  { path: 'special_tokens_map.json', optional: true },
  { path: 'vocab.txt', optional: true },
  { path: 'sentencepiece.bpe.model', optional: true },
  { path: 'modules.json', optional: true },
  { path: 'sentence_bert_config.json', optional: true },
  { path: 'config_sentence_transformers.json', optional: true },
  { path: '1_Pooling/config.json', optional: true },
]

const TOKENIZER_FILES = ['tokenizer.json', 'vocab.txt', 'sentencepiece.bpe.model']

export interface TrainingWeightsResult {
  id: string
  repo: string
  /** The sentence-transformers folder a full fine-tune loads. */
  dir: string
  /** Paths inside the repository of the files fetched (or already there). */
  files: string[]
  /** Optional files the repository does not have. */
  missing: string[]
  /** sentence-transformers files written from the catalog entry because the repository has none. */
  synthesized: string[]
  bytesDownloaded: number
}

export function hasPytorchWeights(dir: string): boolean {
  return PYTORCH_WEIGHT_FILES.some((f) => fs.existsSync(path.join(dir, f)))
}

/** Where a model's PyTorch weights are: the folder itself (a sentence-transformers folder) or its downloaded `training/`. */
export function trainingWeightsFolder(modelDir: string): string | undefined {
  if (hasPytorchWeights(modelDir)) return modelDir
  const sub = path.join(modelDir, TRAINING_SUBDIR)
  return fs.existsSync(path.join(sub, TRAINING_MARKER)) && hasPytorchWeights(sub) ? sub : undefined
}

/** The repository a catalog model's training weights come from; BAD_INPUT saying why when it cannot be fine-tuned in full. */
export function trainingSource(entry: CatalogModel): string {
  if (entry.training?.unsupported)
    throw new EmbedMapError('BAD_INPUT', `${entry.id} cannot be fine-tuned in full here: ${entry.training.unsupported}.`, 'Use --method adapter.', {
      reason: 'TRAINING_UNSUPPORTED',
      id: entry.id,
    })
  if (!entry.sourceRepo)
    throw new EmbedMapError('BAD_INPUT', `The catalog does not say where ${entry.id}'s PyTorch weights are (no sourceRepo).`, 'Use --method adapter.', {
      reason: 'TRAINING_UNSUPPORTED',
      id: entry.id,
    })
  return entry.sourceRepo
}

/** The error a full fine-tune meets on a catalog base whose training weights are not downloaded: it names the way to get them. */
export function trainingWeightsNeeded(entry: CatalogModel): EmbedMapError {
  const repo = trainingSource(entry)
  const bytes = approxTrainingBytes(entry)
  const size = bytes ? ` (about ${Math.round(bytes / 1e6)} MB)` : ''
  return new EmbedMapError(
    'BAD_INPUT',
    `A full fine-tune trains PyTorch weights, and ${entry.id}'s (from ${repo}) are not downloaded yet${size}.`,
    `Download them with \`embedmap models pull ${entry.id} --training-weights\` (or add --download-weights to this command; in the app: “Download training weights”), or use --method adapter, which trains on the ONNX model.`,
    { reason: 'NO_PYTORCH_WEIGHTS', id: entry.id, repo, sizeBytes: bytes ?? null },
  )
}

/** Downloads (or finishes downloading) a catalog model's training weights into `<model folder>/training/`. */
export async function downloadTrainingWeights(id: string, opts: Omit<DownloadOptions, 'variant'> = {}): Promise<TrainingWeightsResult> {
  const entry = getCatalogModel(id)
  const repo = trainingSource(entry)
  const modelDir = path.resolve(opts.destDir ?? path.join(cacheDir(), 'models', entry.id))
  const dir = path.join(modelDir, TRAINING_SUBDIR)
  const partial = `${dir}.partial`
  fs.mkdirSync(modelDir, { recursive: true })
  const release = takeDownloadLock(path.join(modelDir, '.training-download.lock'), entry.id)
  try {
    const done = readMarker(dir)
    if (done && hasPytorchWeights(dir)) return { ...done, dir, bytesDownloaded: 0 }
    fs.mkdirSync(partial, { recursive: true })
    const common = { ...opts, label: `${entry.id}'s training weights`, repo, revision: 'main', dir: partial }
    let got: RepoDownloadResult
    try {
      got = await downloadRepoFiles({ ...common, files: TRAINING_FILES })
      // Modules after pooling with weights of their own (Dense, …) live in sub-folders modules.json names.
      const extra = moduleFiles(partial)
      if (extra.length) {
        const more = await downloadRepoFiles({ ...common, files: extra })
        got = { files: [...got.files, ...more.files], missing: [...got.missing, ...more.missing], bytesDownloaded: got.bytesDownloaded + more.bytesDownloaded }
      }
      const files = got.files
      if (!TOKENIZER_FILES.some((f) => files.includes(f)))
        throw new EmbedMapError('NOT_FOUND', `${repo} has no tokenizer (${TOKENIZER_FILES.join(', ')}).`, 'Use --method adapter, or a local model folder.', {
          status: 404,
        })
    } catch (err) {
      // Absent on the server: no later run can finish this folder, so none of it stays.
      if (err instanceof EmbedMapError && err.code === 'NOT_FOUND' && err.details?.status === 404) {
        fs.rmSync(partial, { recursive: true, force: true })
        throw new EmbedMapError(
          'NOT_FOUND',
          `Cannot download ${entry.id}'s training weights: ${err.message}`,
          `A full fine-tune needs ${PYTORCH_WEIGHT_FILES.join(' or ')}, config.json and a tokenizer from ${repo}; check that HF_ENDPOINT serves that repository, or use --method adapter.`,
          { ...err.details, reason: 'NO_PYTORCH_WEIGHTS', id: entry.id, repo },
        )
      }
      throw err
    }
    const synthesized = got.files.includes('modules.json') ? [] : writeSentenceTransformersFiles(partial, entry)
    const result = { id: entry.id, repo, files: got.files, missing: got.missing, synthesized }
    fs.writeFileSync(path.join(partial, TRAINING_MARKER), JSON.stringify({ ...result, revision: 'main', downloadedAt: new Date().toISOString() }, null, 2))
    fs.rmSync(dir, { recursive: true, force: true })
    fs.renameSync(partial, dir)
    return { ...result, dir, bytesDownloaded: got.bytesDownloaded }
  } finally {
    release()
  }
}

function readMarker(dir: string): Omit<TrainingWeightsResult, 'dir' | 'bytesDownloaded'> | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, TRAINING_MARKER), 'utf8')) as Omit<TrainingWeightsResult, 'dir' | 'bytesDownloaded'>
    return { id: m.id, repo: m.repo, files: m.files, missing: m.missing, synthesized: m.synthesized }
  } catch {
    return undefined
  }
}

/** The weight files of module folders other than the transformer and pooling (e.g. 2_Dense/), per modules.json. */
function moduleFiles(dir: string): RepoFileSpec[] {
  let modules: { path?: string; type?: string }[]
  try {
    modules = JSON.parse(fs.readFileSync(path.join(dir, 'modules.json'), 'utf8'))
  } catch {
    return []
  }
  return modules
    .filter((m) => typeof m.path === 'string' && m.path !== '' && m.path !== '1_Pooling' && !/Normalize$/.test(m.type ?? ''))
    .filter((m) => !/(^|\/)\.\.(\/|$)/.test(m.path!) && !path.isAbsolute(m.path!))
    .flatMap((m) => [
      { path: `${m.path}/config.json`, optional: true },
      { path: `${m.path}/model.safetensors`, alternatives: [`${m.path}/pytorch_model.bin`], optional: true },
    ])
}

/** A repository without sentence-transformers files: pooling and normalisation as the catalog says (what the ONNX path does). */
function writeSentenceTransformersFiles(dir: string, entry: CatalogModel): string[] {
  const write = (rel: string, value: unknown) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true })
    fs.writeFileSync(path.join(dir, rel), JSON.stringify(value, null, 2))
    return rel
  }
  const modules = [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
    ...(entry.normalize ? [{ idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' }] : []),
  ]
  return [
    write('modules.json', modules),
    write('1_Pooling/config.json', {
      word_embedding_dimension: entry.dims,
      pooling_mode_cls_token: entry.pooling === 'cls',
      pooling_mode_mean_tokens: entry.pooling === 'mean',
      pooling_mode_max_tokens: entry.pooling === 'max',
      pooling_mode_mean_sqrt_len_tokens: false,
      pooling_mode_lasttoken: entry.pooling === 'last_token',
    }),
    write('sentence_bert_config.json', { max_seq_length: entry.defaultMaxLength ?? entry.maxLength, do_lower_case: false }),
  ]
}
