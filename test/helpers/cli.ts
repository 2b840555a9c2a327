import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { repoRoot } from './tmp'

export const cliPath = path.join(repoRoot, 'bin', 'embedmap.js')

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
  json<T = any>(): T
}

/** Runs the real `embedmap` command and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 })
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    json() {
      return JSON.parse(r.stdout)
    },
  }
}

export function startCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
}

/** Like runCli, without blocking this process (a server or proxy in the test must keep answering meanwhile). */
export function runCliAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000)
    child.on('error', reject)
    child.on('exit', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr, json: () => JSON.parse(stdout) })
    })
  })
}
