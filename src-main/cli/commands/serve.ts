import type { Command } from 'commander'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEngine } from '../../engine/engine'
import { EmbedMapError } from '../../errors'
import { resolveDbPath } from '../../paths'
import { resolveRendererDir } from '../../renderer-dir'
import { startServer } from '../../server'
import { reportError, type OutputOptions } from '../output'

// Three levels up from src-main/cli/commands/ and from the CLI's bundle (.cache/cli/<key>/, bin/cli-bundle.mjs) alike.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('browser mode: serve the app on 127.0.0.1 and print the address to open')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '5757')
    .action(async (flags: { port: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as OutputOptions & { db?: string }
      try {
        const rendererDir = resolveRendererDir(path.join(repoRoot, 'out', 'renderer'))
        if (!fs.existsSync(path.join(rendererDir, 'index.html'))) {
          throw new EmbedMapError(
            'NOT_FOUND',
            `The app's web files are not built (${rendererDir} is missing).`,
            'Run `npm run build` once, then `embedmap serve` again.',
          )
        }
        const port = Number(flags.port)
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EmbedMapError('BAD_INPUT', `--port must be 0–65535, not '${flags.port}'.`)
        const engine = await createEngine({ dbPath: resolveDbPath(globals.db), mode: 'browser', resumeInterrupted: true })
        const server = await startServer({ engine, port, rendererDir }).catch(async (err) => {
          await engine.close()
          if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
            throw new EmbedMapError('CONFLICT', `Port ${port} is already in use.`, 'Pass another one with --port N (or --port 0 for any free port).')
          }
          throw err
        })
        if (globals.json) process.stdout.write(JSON.stringify({ url: server.url, port: server.port, dbPath: engine.dbPath }) + '\n')
        else process.stdout.write(`EmbedMap is running at ${server.url}\n(workspace ${engine.dbPath}; Ctrl-C to stop)\n`)
        const stop = async () => {
          await server.close()
          await engine.close()
          process.exit(0)
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      } catch (err) {
        process.exitCode = reportError(globals, err)
      }
    })
}
