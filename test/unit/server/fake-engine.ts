import os from 'node:os'
import path from 'node:path'
import type { ChannelName, ChannelOutput, ChannelParsedInput, Dataset, EngineEvent, Job, Row } from '../../../src-main/contract'
import type { EngineApi } from '../../../src-main/engine/api'
import { EmbedMapError } from '../../../src-main/errors'

/**
 * A tiny in-memory EngineApi for transport tests (and the large-table e2e): it records calls, lets tests emit events,
 * and serves synthetic datasets whose rows are generated on demand, so a million rows cost no memory.
 */
export class FakeEngine implements EngineApi {
  readonly calls: { channel: ChannelName; input: unknown }[] = []
  readonly listeners = new Set<(e: EngineEvent) => void>()
  readonly datasets = new Map<number, Dataset>()
  readonly jobs = new Map<number, Job>()
  /** Override one channel's behaviour (throw to test error replies). */
  readonly overrides = new Map<ChannelName, (input: unknown) => unknown>()
  readonly uploadsDir: string
  readonly exportsDir: string
  readonly dbPath: string

  constructor(dir = path.join(os.tmpdir(), `embedmap-fake-${process.pid}-${Date.now()}`)) {
    this.dbPath = path.join(dir, 'fake.sqlite')
    this.uploadsDir = path.join(dir, 'uploads')
    this.exportsDir = path.join(dir, 'exports')
  }

  /** Adds a ready dataset of `rowCount` generated rows: columns id, text, label; every 1000th text is empty, every 777th row ragged. */
  addSyntheticDataset(rowCount: number, name = 'synthetic'): Dataset {
    const id = this.datasets.size + 1
    const d: Dataset = {
      id,
      name,
      sourcePath: `/fake/${name}.csv`,
      format: 'csv',
      encoding: 'utf-8',
      delimiter: ',',
      textColumn: 1,
      rowCount,
      status: 'ready',
      createdAt: new Date(0).toISOString(),
      columns: [
        { idx: 0, name: 'id', type: 'integer', medianLength: 6 },
        { idx: 1, name: 'text', type: 'text', medianLength: 40 },
        { idx: 2, name: 'label', type: 'text', medianLength: 5 },
      ],
      importReport: { ragged: { count: 0, examples: [] }, emptyText: { count: 0, exampleLines: [] }, warnings: [] },
    }
    this.datasets.set(id, d)
    return d
  }

  static syntheticRow(i: number): Row {
    const emptyText = i % 1000 === 999
    const text = emptyText ? '' : `Synthetic row number ${i + 1} — the quick brown fox ${i % 97}`
    return { idx: i, line: i + 2, text, cells: [String(i), text, `L${i % 7}`], emptyText, ragged: i % 777 === 776 }
  }

  emit(event: EngineEvent): void {
    for (const l of this.listeners) l(event)
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  async invoke<C extends ChannelName>(channel: C, input: ChannelParsedInput<C>): Promise<ChannelOutput<C>> {
    this.calls.push({ channel, input })
    const override = this.overrides.get(channel)
    if (override) return (await override(input)) as ChannelOutput<C>
    return this.handle(channel, input as never) as ChannelOutput<C>
  }

  private handle(channel: ChannelName, input: Record<string, unknown>): unknown {
    switch (channel) {
      case 'app.info':
        return { version: '0.0.0-test', dbPath: this.dbPath, mode: 'browser' }
      case 'datasets.list':
        return [...this.datasets.values()].sort((a, b) => b.id - a.id)
      case 'datasets.get':
        return this.dataset(input.id as number)
      case 'datasets.delete':
        return { deleted: this.datasets.delete(input.id as number) }
      case 'datasets.rows': {
        const d = this.dataset(input.id as number)
        const { offset, limit, query } = input as { offset: number; limit: number; query?: string }
        if (query) {
          // Synthetic filter: matches rows whose text contains the query; fine for small datasets only.
          const matches: Row[] = []
          for (let i = 0; i < Math.min(d.rowCount, 200_000); i++) {
            const r = FakeEngine.syntheticRow(i)
            if (r.text.includes(query)) matches.push(r)
          }
          return { total: matches.length, offset, rows: matches.slice(offset, offset + limit) }
        }
        const rows: Row[] = []
        for (let i = offset; i < Math.min(d.rowCount, offset + limit); i++) rows.push(FakeEngine.syntheticRow(i))
        return { total: d.rowCount, offset, rows }
      }
      case 'jobs.list':
        return [...this.jobs.values()]
      // The transport tests need no models; an empty list keeps the UI's Embed panel quiet.
      case 'models.list':
        return { models: [], datasetLanguage: null }
      case 'embeddings.list':
        return []
      default:
        throw new EmbedMapError('INTERNAL', `The fake engine does not implement ${channel}`)
    }
  }

  private dataset(id: number): Dataset {
    const d = this.datasets.get(id)
    if (!d) throw new EmbedMapError('NOT_FOUND', `No dataset ${id}`, 'Pick one from the list.')
    return d
  }

  grantFile(file: string): string {
    return `grant:fake-${file}`
  }

  async close(): Promise<void> {
    this.listeners.clear()
  }
}
