import fs from 'node:fs'
import path from 'node:path'
import type { Caller, ModelEntry, RemoteModel } from '../contract'
import {
  approxDownloadBytes,
  approxTrainingBytes,
  defaultModelId,
  findCatalogModel,
  findOnnxVariants,
  listCatalogModels,
  modelVersion,
  resolveModelFolder,
  type CatalogModel,
  type Variant,
} from '../embed'
import { RemoteEmbedder } from '../embed/remote/remote-embedder'
import { displayUrl } from '../embed/remote/redact'
import { hasPytorchWeights, trainingSource, trainingWeightsFolder } from '../embed/training-weights'
import { EmbedMapError } from '../errors'
import type { JobRunner } from '../jobs/runner'
import { cacheDir } from '../paths'
import type { DatasetsRepo } from '../store/datasets-repo'
import { ModelsRepo, type LocalModelRow } from '../store/models-repo'
import type { Db } from '../store/connection'
import { EXTERNAL_MODEL_PREFIX } from '../store/embeddings-repo'
import { detectLanguage } from './detect-language'
import type { VectorsModel } from './import-service'

/** Where a model's files live and the id its vectors are stored under. */
export interface ModelChoice {
  modelId: string
  location: string
  label: string
  /** Set when the model is an embedding server. */
  remote?: RemoteModel
}

/** The model catalog, downloads and local folders, as one list the UI and the CLI show. */
export class ModelsService {
  readonly local: ModelsRepo

  constructor(
    db: Db,
    private readonly datasets: DatasetsRepo,
    private readonly runner: JobRunner,
  ) {
    this.local = new ModelsRepo(db)
  }

  list(datasetId?: number): { models: ModelEntry[]; datasetLanguage: string | null } {
    const language = datasetId === undefined ? null : this.datasetLanguage(datasetId)
    const def = defaultModelId()
    const catalog = listCatalogModels().map((m) => catalogEntry(m, m.id === def, language))
    const local = this.local.list().map((m) => localEntry(m, language))
    return { models: [...catalog, ...local], datasetLanguage: language }
  }

  /** Registers a local HF-style folder after checking it holds an ONNX model and a tokenizer. */
  async add(dir: string, name?: string): Promise<ModelEntry> {
    const resolved = resolveModelFolder(dir)
    const id = slug(name ?? path.basename(resolved.dir))
    if (findCatalogModel(id)) {
      throw new EmbedMapError(
        'CONFLICT',
        `'${id}' is the id of a catalog model.`,
        'Give it another name (the Name field in the app, --name on the command line).',
      )
    }
    const version = await modelVersion(resolved.onnx)
    const row = {
      id,
      name: name ?? resolved.displayName,
      path: resolved.dir,
      version,
      dims: resolved.expectedDims ?? 0,
      languages: resolved.catalog?.languages ?? [],
    }
    this.local.upsert(row)
    return localEntry({ ...row, addedAt: new Date().toISOString(), source: 'local' }, null)
  }

  /**
   * Registers an OpenAI-compatible embedding server after one probe request: it must answer, accept the
   * key and return vectors of the declared size (the size is learned when none is declared).
   */
  async addRemote(input: RemoteModel & { name?: string }): Promise<ModelEntry> {
    const { name, ...config } = input
    let id = slug(name ?? config.model.split('/').pop()!)
    // A server often serves a catalog model under its own name: without a chosen name, keep both apart.
    if (!name && findCatalogModel(id)) id = `${id}-server`
    if (findCatalogModel(id)) {
      throw new EmbedMapError('CONFLICT', `'${id}' is the id of a catalog model.`, 'Pick another name with --name.')
    }
    const existing = this.local.get(id)
    if (existing && !existing.remote) {
      throw new EmbedMapError('CONFLICT', `'${id}' is already the id of the local folder ${existing.path}.`, 'Pick another name with --name.')
    }
    const probe = await RemoteEmbedder.open(config)
    const remote: RemoteModel = { ...config, dims: probe.info.dims }
    const row = { id, name: name ?? config.model, path: displayUrl(config.url), version: probe.info.version, dims: probe.info.dims, languages: [], remote }
    this.local.upsert(row)
    return localEntry({ ...row, addedAt: new Date().toISOString(), source: 'local' }, null)
  }

  /** Forgets a local folder (its files stay) or deletes a downloaded catalog model from the cache. */
  remove(id: string): { removed: boolean } {
    if (this.local.remove(id)) return { removed: true }
    const catalog = findCatalogModel(id)
    if (!catalog) throw new EmbedMapError('NOT_FOUND', `There is no model '${id}'.`, 'List models with `embedmap models list`.')
    const dir = catalogDir(id)
    if (!fs.existsSync(dir)) return { removed: false }
    fs.rmSync(dir, { recursive: true, force: true })
    return { removed: true }
  }

  /** Downloads a catalog model's ONNX files, or (`training`) the PyTorch weights a full fine-tune of it needs. */
  pull(id: string, variant?: Variant, training = false): { jobId: number } {
    const entry = findCatalogModel(id)
    if (!entry)
      throw new EmbedMapError(
        'NOT_FOUND',
        `'${id}' is not in the model catalog.`,
        'List models with `embedmap models list`; add your own folder with `embedmap models add DIR`.',
      )
    if (training) {
      trainingSource(entry) // a model that cannot be trained in full is refused before any job starts
      return this.runner.startOrJoin({
        kind: 'model-download',
        datasetId: null,
        params: { id: entry.id, training: true },
        lockKey: `model-download:${entry.id}:training`,
      })
    }
    return this.runner.startOrJoin({ kind: 'model-download', datasetId: null, params: { id, variant }, lockKey: `model-download:${id}` })
  }

  /** Resolves what `--model` names: a local id, a catalog id, or (CLI only) a folder path; default: the catalog default. */
  choose(model: string | undefined, caller: Caller): ModelChoice {
    const wanted = model ?? defaultModelId()
    const registered = this.byId(wanted)
    if (registered) return registered
    // A folder path is the CLI's privilege; the app's doors name models by id (folders come in through models.add).
    if (caller.door !== 'cli') {
      throw new EmbedMapError('NOT_FOUND', `There is no model '${wanted}'.`, 'Pick a model from the list, or add a folder with “Add a model folder”.')
    }
    const dir = path.resolve(wanted)
    if (!fs.existsSync(dir)) {
      throw new EmbedMapError(
        'NOT_FOUND',
        `'${wanted}' is neither a model id nor a folder.`,
        'List models with `embedmap models list`, or pass the path of a folder with model.onnx and tokenizer.json.',
      )
    }
    // A folder given by path is remembered as a local model, so the vectors made with it can be
    // searched later by the id they are stored under.
    const resolved = resolveModelFolder(dir)
    const known = this.local.list().find((m) => m.path === resolved.dir && !m.remote)
    if (known) return { modelId: known.id, location: known.path, label: known.name }
    let id = slug(path.basename(resolved.dir))
    if (findCatalogModel(id) || this.local.get(id)) id = `${id}-local`
    this.local.upsert({
      id,
      name: resolved.displayName,
      path: resolved.dir,
      version: 'unhashed',
      dims: resolved.expectedDims ?? 0,
      languages: resolved.catalog?.languages ?? [],
    })
    return { modelId: id, location: resolved.dir, label: resolved.displayName }
  }

  /**
   * The model that made imported vectors, as `--vectors-model` names it: a local or catalog model id (catalog ones
   * need not be downloaded yet: search pulls them when first used), a model folder (CLI only, registered as by
   * `--model DIR`), or any other text, kept as a label with search off for those vectors.
   */
  forImportedVectors(name: string, caller: Caller): VectorsModel {
    const local = this.local.get(name)
    if (local) return { modelId: local.id, dims: local.dims || null, searchable: true }
    const catalog = findCatalogModel(name)
    if (catalog) return { modelId: catalog.id, dims: catalog.dims, searchable: true }
    if (caller.door === 'cli' && fs.existsSync(path.resolve(name)) && fs.statSync(path.resolve(name)).isDirectory()) {
      const chosen = this.choose(name, caller)
      return { modelId: chosen.modelId, dims: this.local.get(chosen.modelId)?.dims || null, searchable: true }
    }
    return { modelId: `${EXTERNAL_MODEL_PREFIX}${name.trim()}`, dims: null, searchable: false }
  }

  /** A registered local model or a downloaded catalog model, by id (stored vectors name their model this way). */
  byId(id: string): ModelChoice | null {
    const local = this.local.get(id)
    if (local) return { modelId: local.id, location: local.path, label: local.name, remote: local.remote }
    const catalog = findCatalogModel(id)
    if (!catalog) return null
    const dir = catalogDir(catalog.id)
    if (!isDownloaded(dir)) {
      throw new EmbedMapError(
        'NOT_FOUND',
        `Model ${catalog.id} is not downloaded yet.`,
        `Download it with \`embedmap models pull ${catalog.id}\` (about ${formatMB(approxDownloadBytes(catalog))}), or use a local folder with --model DIR.`,
        { id: catalog.id },
      )
    }
    return { modelId: catalog.id, location: dir, label: catalog.displayName }
  }

  private datasetLanguage(datasetId: number): string | null {
    const page = this.datasets.rows(datasetId, 0, 500)
    return detectLanguage(page.rows.map((r) => r.text))
  }
}

function catalogDir(id: string): string {
  return path.join(cacheDir(), 'models', id)
}

function isDownloaded(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'tokenizer.json')) && Object.keys(findOnnxVariants(dir)).length > 0
}

function suits(languages: readonly string[], language: string | null): boolean {
  if (!language) return false
  if (language === 'multilingual') return languages.includes('multilingual')
  return languages.includes(language) || languages.includes('multilingual')
}

function catalogEntry(m: CatalogModel, isDefault: boolean, language: string | null): ModelEntry {
  const dir = catalogDir(m.id)
  const downloaded = isDownloaded(dir)
  return {
    id: m.id,
    displayName: m.displayName,
    source: 'catalog',
    description: m.description,
    languages: m.languages,
    license: m.license,
    dims: m.dims,
    matryoshkaDims: m.matryoshkaDims ?? null,
    sizeBytes: approxDownloadBytes(m) ?? null,
    downloaded,
    path: downloaded ? dir : null,
    isDefault,
    recommended: suits(m.languages, language),
    training: {
      ready: trainingWeightsFolder(dir) !== undefined,
      sizeBytes: approxTrainingBytes(m) ?? null,
      sourceRepo: m.sourceRepo ?? null,
      unsupported: m.training?.unsupported ?? (m.sourceRepo ? null : 'The catalog does not say where its PyTorch weights are.'),
    },
  }
}

function localEntry(m: LocalModelRow, language: string | null): ModelEntry {
  if (m.remote) {
    return {
      id: m.id,
      displayName: m.name,
      source: 'remote',
      description: `Embedding server ${m.path}, model ${m.remote.model}${m.remote.apiKeyEnv ? `, key from $${m.remote.apiKeyEnv}` : ''}`,
      languages: m.languages,
      license: null,
      dims: m.dims || null,
      matryoshkaDims: null,
      sizeBytes: null,
      downloaded: true,
      path: m.path,
      isDefault: false,
      recommended: false,
      training: null,
    }
  }
  return {
    id: m.id,
    displayName: m.name,
    source: m.source,
    description: m.source === 'finetuned' ? `Fine-tuned, in ${m.path}` : `Local folder ${m.path}`,
    languages: m.languages,
    license: null,
    dims: m.dims || null,
    matryoshkaDims: null,
    sizeBytes: null,
    downloaded: fs.existsSync(m.path),
    path: m.path,
    isDefault: false,
    recommended: suits(m.languages, language),
    training: {
      ready: hasPytorchWeights(m.path),
      sizeBytes: null,
      sourceRepo: null,
      unsupported: hasPytorchWeights(m.path) ? null : 'This folder has no PyTorch weights (model.safetensors or pytorch_model.bin), only ONNX.',
    },
  }
}

function slug(s: string): string {
  const out = s
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (!out)
    throw new EmbedMapError(
      'BAD_INPUT',
      `'${s}' cannot be used as a model id.`,
      'Give it a name made of letters, digits, dots, dashes or underscores (the Name field in the app, --name on the command line).',
    )
  return out
}

function formatMB(bytes: number | undefined): string {
  return bytes ? `${Math.round(bytes / 1e6)} MB` : 'an unknown size'
}

/** Embedding servers are used for embedding and search; the other model features still need a local model. */
export function remoteNotHere(id: string, feature: string): EmbedMapError {
  return new EmbedMapError(
    'BAD_INPUT',
    `${id} is an embedding server; ${feature} runs on local models only for now.`,
    'Pick a catalog model or a local folder (`embedmap models list`).',
  )
}
