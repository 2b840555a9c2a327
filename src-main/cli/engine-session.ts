import { createEngine, type Engine } from '../engine/engine'
import { cliClient, type CliClient } from './client'
import { resolveDbPath } from '../paths'
import { reportError, type OutputOptions } from './output'

export interface GlobalOptions extends OutputOptions {
  db?: string
}

/**
 * Runs one CLI command against a freshly opened engine and turns errors into messages and exit
 * codes. Ctrl-C stops workers but leaves their jobs resumable, so an interrupted import is not lost.
 */
export async function withEngine(globals: GlobalOptions, fn: (client: CliClient) => Promise<void>, opts: { resume?: boolean } = {}): Promise<void> {
  let engine: Engine | undefined
  const onSigint = async () => {
    process.stderr.write('\nInterrupted: finished work is saved; `embedmap jobs` lists what can be resumed.\n')
    await engine?.close()
    process.exit(130)
  }
  process.once('SIGINT', onSigint)
  process.once('SIGTERM', onSigint)
  try {
    engine = await createEngine({ dbPath: resolveDbPath(globals.db), mode: 'cli', resumeInterrupted: opts.resume ?? false })
    await fn(cliClient(engine))
  } catch (err) {
    process.exitCode = reportError(globals, err)
  } finally {
    process.off('SIGINT', onSigint)
    process.off('SIGTERM', onSigint)
    await engine?.close()
  }
}
