import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { repoRoot, testRendererDir } from './paths'

export interface ServeProcess {
  url: string
  origin: string
  token: string
  child: ChildProcess
  output(): string
  stop(): Promise<void>
}

const CLI = path.join(repoRoot, 'bin', 'embedmap.js')

/**
 * Starts the real `embedmap serve --port 0 --db …` on the e2e renderer (ensureRendererBuilt, which has the test hooks)
 * and waits for the line with the address to open. `env` is added to this process's environment (e.g. EMBEDMAP_CACHE
 * for a model cache of the test's own).
 */
export async function startServe(dbPath: string, timeoutMs = 60_000, env: Record<string, string> = {}): Promise<ServeProcess> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} does not exist yet (the CLI is needed for this test).`)
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', dbPath], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', EMBEDMAP_RENDERER_DIR: testRendererDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedmap serve printed no URL within ${timeoutMs} ms. Output:\n${out}`)), timeoutMs)
    const check = () => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/#token=[0-9A-Za-z_-]+/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[0])
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`embedmap serve exited with code ${code} before printing its URL. Output:\n${out}`))
    })
  })
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.hash.replace(/^#token=/, ''),
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise<void>((r) => child.once('exit', () => r()))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}
