import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

/** Where scripts/models/setup_infinity.sh (run by `npm run models:test`) puts Infinity's venv. */
export const infinityVenv = process.env.EMBEDMAP_INFINITY_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-infinity-venv')

export interface InfinityServer {
  /** API base, e.g. http://127.0.0.1:PORT/v1 */
  url: string
  port: number
  stop(): Promise<void>
  log(): string
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

/**
 * Starts the real Infinity server on loopback serving a model folder under `servedName`, and waits for
 * its /health. Missing venv is an error that says how to build it (these tests must run, never skip).
 */
export async function startInfinity(modelDir: string, servedName: string, opts: { apiKey?: string } = {}): Promise<InfinityServer> {
  const bin = path.join(infinityVenv, 'bin', 'infinity_emb')
  if (!fs.existsSync(bin)) throw new Error(`Infinity is not installed in ${infinityVenv}. Run \`npm run models:test\` (scripts/models/setup_infinity.sh).`)
  const port = await freePort()
  const args = ['v2', '--model-id', modelDir, '--served-model-name', servedName, '--engine', 'torch', '--device', 'cpu']
  args.push('--host', '127.0.0.1', '--port', String(port), '--url-prefix', '/v1', '--batch-size', '32', '--no-model-warmup')
  if (opts.apiKey) args.push('--api-key', opts.apiKey)
  let out = ''
  const child: ChildProcess = spawn(bin, args, {
    env: {
      ...process.env,
      HF_HUB_OFFLINE: '1',
      TRANSFORMERS_OFFLINE: '1',
      INFINITY_ANONYMOUS_USAGE_STATS: '0',
      DO_NOT_TRACK: '1',
      TOKENIZERS_PARALLELISM: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<void>((r) => child.on('exit', () => r()))
  const url = `http://127.0.0.1:${port}/v1`
  const deadline = Date.now() + 180_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Infinity exited with ${child.exitCode} before it was ready:\n${out.slice(-3000)}`)
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) })
      if (r.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`Infinity did not answer /health within 180 s:\n${out.slice(-3000)}`)
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  return {
    url,
    port,
    log: () => out,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}
