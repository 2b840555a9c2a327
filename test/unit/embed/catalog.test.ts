import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  approxDownloadBytes,
  defaultModelId,
  defaultVariantOf,
  findCatalogModelByRepo,
  getCatalogModel,
  listCatalogModels,
  parseCatalog,
} from '../../../src-main/embed/catalog'
import { repoRoot } from '../../helpers/tmp'

describe('model catalog', () => {
  it('has the required models, all valid', () => {
    const ids = listCatalogModels().map((m) => m.id)
    for (const id of [
      'all-MiniLM-L6-v2',
      'bge-small-en-v1.5',
      'bge-small-zh-v1.5',
      'bge-large-zh-v1.5',
      'multilingual-e5-small',
      'bge-m3',
      'nomic-embed-text-v1.5',
    ]) {
      expect(ids).toContain(id)
    }
  })

  it('defaults to a multilingual (Chinese + English) laptop-sized model', () => {
    const d = getCatalogModel(defaultModelId())
    expect(d.languages).toEqual(expect.arrayContaining(['zh', 'en']))
    expect(approxDownloadBytes(d)!).toBeLessThan(200_000_000)
    expect(defaultVariantOf(d)).toBe('int8')
  })

  it('carries the prefixes and instructions each model was trained with', () => {
    expect(getCatalogModel('multilingual-e5-small').prefixes).toMatchObject({ query: 'query: ', passage: 'passage: ' })
    expect(getCatalogModel('bge-small-en-v1.5').prefixes).toMatchObject({ query: 'Represent this sentence for searching relevant passages: ', passage: '' })
    expect(getCatalogModel('bge-large-zh-v1.5').prefixes).toMatchObject({ query: '为这个句子生成表示以用于检索相关文章：', passage: '' })
    expect(getCatalogModel('nomic-embed-text-v1.5').prefixes).toMatchObject({ query: 'search_query: ', passage: 'search_document: ' })
    expect(getCatalogModel('nomic-embed-text-v1.5').matryoshkaDims).toEqual([768, 512, 256, 128, 64])
    expect(getCatalogModel('bge-m3')).toMatchObject({ dims: 1024, pooling: 'cls', maxLength: 8192 })
    expect(getCatalogModel('all-MiniLM-L6-v2')).toMatchObject({ dims: 384, pooling: 'mean', maxLength: 256 })
  })

  it('finds entries case-insensitively and by repository', () => {
    expect(getCatalogModel('BGE-M3').id).toBe('bge-m3')
    expect(findCatalogModelByRepo('intfloat/multilingual-e5-small')?.id).toBe('multilingual-e5-small')
    expect(findCatalogModelByRepo('Xenova/all-MiniLM-L6-v2')?.id).toBe('all-MiniLM-L6-v2')
    expect(() => getCatalogModel('gpt-5')).toThrow(/no model "gpt-5" in the catalog/)
  })

  it('rejects an invalid catalog with the path of the problem', () => {
    const raw = JSON.parse(fs.readFileSync(path.join(repoRoot, 'resources/models/catalog.json'), 'utf8'))
    expect(() => parseCatalog(raw)).not.toThrow()
    const broken = structuredClone(raw)
    broken.models[0].pooling = 'average'
    expect(() => parseCatalog(broken)).toThrow(/models\.0\.pooling/)
    const badDefault = { ...structuredClone(raw), default: 'nope' }
    expect(() => parseCatalog(badDefault)).toThrow(/default nope is not in the catalog/)
    const dup = structuredClone(raw)
    dup.models.push(structuredClone(dup.models[0]))
    expect(() => parseCatalog(dup)).toThrow(/duplicate model id/)
  })
})
