import { describe, expect, it } from 'vitest'
import type { EmbeddingSet, Job, ModelEntry } from '../../../src-main/contract'
import { currentEmbedJob, existingSet } from '../../../src-renderer/features/embed/embed-jobs'
import {
  distinctModels,
  groupModels,
  initialModelId,
  languagesLabel,
  listedModelId,
  modelOptionLabel,
  needsDownload,
  pickerModelId,
} from '../../../src-renderer/features/embed/models'
import { fallbackNote, formatProvider, isFallback } from '../../../src-renderer/features/embed/provider'

function model(id: string, over: Partial<ModelEntry> = {}): ModelEntry {
  return {
    id,
    displayName: id,
    source: 'catalog',
    description: '',
    languages: ['en'],
    license: 'MIT',
    dims: 384,
    matryoshkaDims: null,
    sizeBytes: 100e6,
    downloaded: false,
    path: null,
    isDefault: false,
    recommended: false,
    training: null,
    ...over,
  }
}

const catalog = [
  model('e5', { isDefault: true, recommended: true, languages: ['multilingual', 'zh', 'en'] }),
  model('minilm'),
  model('bge-en'),
  model('bge-zh', { recommended: true, languages: ['zh'] }),
  model('bge-zh-large', { recommended: true, languages: ['zh'], downloaded: true }),
]
const local = model('tiny', { source: 'local', languages: [], dims: 16, sizeBytes: null, license: null, downloaded: true, path: '/m/tiny' })

describe('model picker logic', () => {
  it('puts the models that suit the dataset first (default, then downloaded), then the catalog, then local folders', () => {
    const groups = groupModels([...catalog, local], 'zh')
    expect(groups.map((g) => g.key)).toEqual(['recommended', 'catalog', 'local'])
    expect(groups[0].label).toBe('Recommended for this dataset (zh)')
    expect(groups[0].models.map((m) => m.id)).toEqual(['e5', 'bge-zh-large', 'bge-zh'])
    expect(groups[1].label).toBe('Other catalog models')
    expect(groups[1].models.map((m) => m.id)).toEqual(['minilm', 'bge-en'])
    expect(groups[2].models.map((m) => m.id)).toEqual(['tiny'])
  })

  it('leaves out empty groups and names the catalog plainly when nothing is recommended', () => {
    const groups = groupModels(
      catalog.map((m) => ({ ...m, recommended: false })),
      null,
    )
    expect(groups.map((g) => g.label)).toEqual(['Catalog models'])
    expect(groups[0].models[0].id).toBe('e5')
  })

  it('preselects a suitable model that is ready, else a suitable one to download, else the default', () => {
    expect(initialModelId([...catalog, local], 'zh')).toBe('bge-zh-large')
    const nothingDownloaded = catalog.map((m) => ({ ...m, downloaded: false }))
    expect(initialModelId([...nothingDownloaded, local], 'zh')).toBe('e5')
    // An unknown language: whatever is ready, rather than a download.
    const plain = catalog.map((m) => ({ ...m, recommended: false, downloaded: false }))
    expect(initialModelId([...plain, local], null)).toBe('tiny')
    expect(initialModelId(plain, null)).toBe('e5')
    expect(initialModelId([], null)).toBeNull()
  })

  it('describes a model in one option line', () => {
    expect(modelOptionLabel(catalog[0])).toBe('e5 — 384 dims · 100 MB · not downloaded · default')
    expect(modelOptionLabel(local)).toBe('tiny — 16 dims · local folder')
    expect(languagesLabel(['multilingual', 'zh', 'en', 'ja', 'ko', 'de'])).toBe('multilingual, zh, en, ja +2')
    expect(languagesLabel([])).toBe('unknown')
    expect(needsDownload(catalog[0])).toBe(true)
    expect(needsDownload(catalog[4])).toBe(false)
    expect(needsDownload({ ...local, downloaded: false })).toBe(false)
  })
})

describe('provider', () => {
  it('says where the model ran and why, when that is not what was asked for', () => {
    const reason = 'the CUDA provider of onnxruntime-node is not installed'
    expect(formatProvider({ requested: 'auto', used: 'cpu', fallbackReason: reason })).toBe(`CPU — asked for auto: ${reason}`)
    expect(formatProvider({ requested: 'cuda', used: 'cpu', fallbackReason: 'no GPU' })).toBe('CPU — asked for CUDA: no GPU')
    expect(formatProvider({ requested: 'auto', used: 'cuda', fallbackReason: null })).toBe('CUDA (auto)')
    expect(formatProvider({ requested: 'dml', used: 'dml', fallbackReason: null })).toBe('DirectML')
    expect(formatProvider({ requested: 'coreml', used: 'cpu', fallbackReason: null })).toBe('CPU — asked for Core ML')
    expect(isFallback({ requested: 'auto', used: 'cpu', fallbackReason: null })).toBe(false)
    // one calm note for the list, each reason once, nothing when every set ran where asked
    const fb = { requested: 'auto' as const, used: 'cpu' as const, fallbackReason: reason }
    expect(fallbackNote([fb, fb, null, { requested: 'auto', used: 'cpu', fallbackReason: null }])).toBe(
      `Some embeddings ran on the CPU (asked for auto: ${reason}). They are correct, only slower to make.`,
    )
    expect(fallbackNote([{ requested: 'cpu', used: 'cpu', fallbackReason: null }, null])).toBeNull()
    expect(isFallback({ requested: 'auto', used: 'cpu', fallbackReason: reason })).toBe(true)
    expect(isFallback({ requested: 'cuda', used: 'cpu', fallbackReason: null })).toBe(true)
  })
})

function job(id: number, over: Partial<Job> = {}): Job {
  return {
    id,
    kind: 'embed',
    datasetId: 1,
    state: 'running',
    title: `job ${id}`,
    done: 0,
    total: 100,
    rate: null,
    etaSeconds: null,
    error: null,
    result: null,
    createdAt: '',
    startedAt: null,
    finishedAt: null,
    ...over,
  }
}

describe('embed job and sets', () => {
  it('follows the job this panel started, else the newest live embed job of the dataset', () => {
    const jobs = [job(1, { state: 'succeeded' }), job(2, { kind: 'import' }), job(3), job(4, { datasetId: 2 }), job(5, { state: 'interrupted' })]
    expect(currentEmbedJob(jobs, 1, 1)?.id).toBe(1)
    expect(currentEmbedJob(jobs, 1, null)?.id).toBe(5)
    // Started but not yet seen in the list: the live one is shown meanwhile.
    expect(currentEmbedJob(jobs, 1, 99)?.id).toBe(5)
    expect(currentEmbedJob([job(1, { state: 'failed' })], 1, null)).toBeNull()
    expect(currentEmbedJob(jobs, 3, null)).toBeNull()
  })

  it('finds a finished set of the same model and dims', () => {
    const set: EmbeddingSet = {
      id: 1,
      datasetId: 1,
      modelId: 'nomic',
      modelVersion: 'v',
      dims: 256,
      variant: 'int8',
      kind: 'clustering',
      provider: null,
      status: 'ready',
      vectorCount: 10,
      truncatedCount: 0,
      emptyTextCount: 0,
      createdAt: '',
      imported: null,
      searchDisabledReason: null,
    }
    const nomic = model('nomic', { dims: 768, matryoshkaDims: [768, 512, 256] })
    expect(existingSet([set], nomic, 256)).toBe(set)
    expect(existingSet([set], nomic, null)).toBeUndefined()
    expect(existingSet([{ ...set, status: 'embedding' }], nomic, 256)).toBeUndefined()
    expect(existingSet([set], model('other'), 256)).toBeUndefined()
  })
})

describe('fine-tuned models in the picker', () => {
  it('get their own group after the local folders, and a label that says so', () => {
    const base = {
      description: '',
      languages: ['en'],
      license: null,
      dims: 384,
      matryoshkaDims: null,
      sizeBytes: null,
      isDefault: false,
      recommended: false,
      training: null,
    }
    const models = [
      { ...base, id: 'folder', displayName: 'Folder', source: 'local' as const, downloaded: true, path: '/m/folder' },
      { ...base, id: 'tuned', displayName: 'Tuned', source: 'finetuned' as const, downloaded: true, path: '/w/models/tuned' },
    ]
    expect(groupModels(models, null).map((g) => [g.key, g.models.map((m) => m.id)])).toEqual([
      ['local', ['folder']],
      ['finetuned', ['tuned']],
    ])
    expect(modelOptionLabel(models[1])).toMatch(/fine-tuned/)
  })
})

describe('each model once', () => {
  it("a local folder at a catalog model's own path is that catalog model; a repeated id is listed once", () => {
    const cat = model('minilm', { downloaded: true, path: '/cache/models/minilm' })
    const sameFolder = model('minilm-copy', { source: 'local', downloaded: true, path: '/cache/models/minilm/' })
    const other = model('mine', { source: 'local', downloaded: true, path: '/home/me/model' })
    expect(distinctModels([cat, sameFolder, other, cat]).map((m) => m.id)).toEqual(['minilm', 'mine'])
    const names = groupModels([cat, sameFolder, other], null).flatMap((g) => g.models.map((m) => m.id))
    expect(names.filter((id) => id.startsWith('minilm'))).toEqual(['minilm'])
  })
})

describe('the model picker follows the map’s run', () => {
  const all = [...catalog, local]

  it('shows the model of the run on the map instead of the preselection', () => {
    expect(pickerModelId(all, 'zh', null, null)).toBe('bge-zh-large')
    expect(pickerModelId(all, 'zh', null, 'minilm')).toBe('minilm')
    expect(pickerModelId(all, 'zh', null, 'tiny')).toBe('tiny')
  })

  it('keeps the user’s own pick while the map stays on that model, and follows the map to another model’s run', () => {
    const picked = { id: 'bge-en', over: 'minilm' }
    expect(pickerModelId(all, 'zh', picked, 'minilm')).toBe('bge-en')
    // the map switched to a run of e5: the picker follows it
    expect(pickerModelId(all, 'zh', picked, 'e5')).toBe('e5')
    // a pick made with no map to follow holds until a map shows
    expect(pickerModelId(all, 'zh', { id: 'bge-en', over: null }, null)).toBe('bge-en')
    expect(pickerModelId(all, 'zh', { id: 'bge-en', over: null }, 'tiny')).toBe('tiny')
    // a pick whose model has gone (removed) falls back to the map's
    expect(pickerModelId(all, 'zh', { id: 'gone', over: 'minilm' }, 'minilm')).toBe('minilm')
  })

  it('maps a run of a folder folded into its catalog model to that catalog entry; a model no longer listed is not followed', () => {
    const downloaded = model('minilm', { downloaded: true, path: '/cache/minilm' })
    const folder = model('minilm-local', { source: 'local', downloaded: true, path: '/cache/minilm/' })
    const list = [downloaded, folder, catalog[0]]
    expect(listedModelId(list, 'minilm-local')).toBe('minilm')
    expect(pickerModelId(list, null, null, 'minilm-local')).toBe('minilm')
    expect(listedModelId(list, 'removed-model')).toBeNull()
    expect(pickerModelId(list, null, null, 'removed-model')).toBe(initialModelId(list, null))
  })
})
