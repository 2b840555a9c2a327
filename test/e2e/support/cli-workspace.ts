import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sharedData } from '../../helpers/tmp'
import { artifactsDir, repoRoot } from './paths'

const CLI = path.join(repoRoot, 'bin', 'embedmap.js')

/** A new workspace in its own temp folder, set up through the real CLI the way a user would. */
export interface CliWorkspace {
  tmp: string
  db: string
  /** Runs `embedmap ARGS --db <this workspace>` (with `env` added) and returns its stdout. */
  cli(args: string[]): string
}

export function cliWorkspace(prefix: string, env: Record<string, string> = {}): CliWorkspace {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `embedmap-e2e-${prefix}-`))
  fs.mkdirSync(artifactsDir, { recursive: true })
  const db = path.join(tmp, 'w.sqlite')
  const cli = (args: string[]) =>
    execFileSync(process.execPath, [CLI, ...args, '--db', db], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', ...env },
      encoding: 'utf8',
      timeout: 600_000,
    })
  return { tmp, db, cli }
}

/** Writes the first `rows` AG News test rows as `file` (no field of the source spans lines: the first rows + 1 lines). */
export function agNewsHead(file: string, rows: number): string {
  const lines = fs.readFileSync(path.join(sharedData, 'en_ag_news_test', 'ag_news_test.csv'), 'utf8').split('\n')
  fs.writeFileSync(file, lines.slice(0, rows + 1).join('\n') + '\n')
  return file
}
