// Manual check: serves the built renderer over a fake engine with N synthetic rows.
//   node --import tsx test/e2e/support/dev-server.ts [rows]
import path from 'node:path'
import { startServer } from '../../../src-main/server'
import { FakeEngine } from '../../unit/server/fake-engine'
import { ensureRendererBuilt } from './renderer'

const rows = Number(process.argv[2] ?? 1_000_000)
const engine = new FakeEngine(path.join(process.env.TMPDIR ?? '/tmp', `embedmap-dev-${process.pid}`))
engine.addSyntheticDataset(rows, `${rows.toLocaleString('en-US')} synthetic rows`)
const server = await startServer({ engine, port: Number(process.env.PORT ?? 0), rendererDir: await ensureRendererBuilt() })
console.log(`EmbedMap (fake engine) is running at ${server.url}`)
