import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import path from 'node:path'
import { writeTinyModel } from '../../helpers/tiny-model'
import { launchBrowser, type Browser } from './browser'
import { startServe, type ServeProcess } from './cli'
import { agNewsHead, cliWorkspace } from './cli-workspace'
import { ensureRendererBuilt } from './renderer'

/** A workspace whose first dataset is the first `rows` AG News test rows, imported, embedded and analyzed by the real CLI. */
export interface MappedWorkspace {
  tmp: string
  db: string
  csv: string
  /** The CSV's rows as the test reads them (columns id, label, category, title, description, text). */
  records: Record<string, string>[]
  /** Runs `embedmap ARGS --db <this workspace>` and returns its stdout. */
  cli(args: string[]): string
  /** The served app and a Chromium page on it. */
  serve: ServeProcess
  browser: Browser
  close(): Promise<void>
}

/**
 * The map e2e tests' common set-up: build the renderer if stale, write the CSV (no field of the source spans lines,
 * so its first rows + 1 lines are the header and `rows` rows), import → embed (the generated tiny model unless a
 * model folder is given) → analyze, then start `embedmap serve` and Chromium. `before` runs after the analysis and
 * before the server starts, for a test's own extra datasets.
 */
export async function mappedAgNews(opts: {
  rows: number
  prefix: string
  model?: string
  before?(w: Pick<MappedWorkspace, 'tmp' | 'csv' | 'cli'>): void
}): Promise<MappedWorkspace> {
  await ensureRendererBuilt()
  const { tmp, db, cli } = cliWorkspace(opts.prefix)
  const csv = agNewsHead(path.join(tmp, `ag_news_${opts.rows}.csv`), opts.rows)
  const records = parse(fs.readFileSync(csv), { columns: true }) as Record<string, string>[]
  if (records.length !== opts.rows) throw new Error(`expected ${opts.rows} rows in ${csv}, read ${records.length}`)
  let model = opts.model
  if (!model) {
    model = path.join(tmp, 'tiny-model')
    writeTinyModel(model)
  }
  cli(['import', csv])
  cli(['embed', '--dataset', '1', '--model', model])
  cli(['analyze', '--dataset', '1'])
  opts.before?.({ tmp, csv, cli })
  const serve = await startServe(db, 60_000)
  const browser = await launchBrowser()
  return {
    tmp,
    db,
    csv,
    records,
    cli,
    serve,
    browser,
    async close() {
      await browser.close()
      await serve.stop()
      fs.rmSync(tmp, { recursive: true, force: true })
    },
  }
}
