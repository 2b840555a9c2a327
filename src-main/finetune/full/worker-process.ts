/**
 * Runs resources/finetune/worker.py as a child process (never on the UI thread) and streams its typed events.
 * Cancel: the AbortSignal sends SIGTERM (the worker stops after the current step and saves a checkpoint),
 * then SIGKILL when it has not exited after the grace period.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { z } from 'zod'
import { EmbedMapError } from '../../errors'
import { parseEventLine } from './events'

/**
 * Where the worker script is: EMBEDMAP_FINETUNE_WORKER, the packaged app's resources (package `resources/finetune/`
 * as `<resources>/finetune/`), or the source tree (from the sources or from electron-vite's out/main/).
 */
export function workerScriptPath(): string {
  const candidates = [
    process.env.EMBEDMAP_FINETUNE_WORKER,
    (process as { resourcesPath?: string }).resourcesPath && path.join((process as { resourcesPath?: string }).resourcesPath!, 'finetune', 'worker.py'),
    fileURLToPath(new URL('../../../resources/finetune/worker.py', import.meta.url)), // src-main/finetune/full/, or the CLI's bundle .cache/cli/<key>/
    fileURLToPath(new URL('../../resources/finetune/worker.py', import.meta.url)), // bundled: out/main/
    path.resolve('resources/finetune/worker.py'),
  ].filter((c): c is string => !!c)
  const found = candidates.find((c) => fs.existsSync(c))
  if (!found) throw new EmbedMapError('INTERNAL', `the fine-tune worker script is missing (looked in ${candidates.join(', ')})`, 'reinstall EmbedMap')
  return found
}

export interface WorkerRun<E> {
  code: number | null
  signal: NodeJS.Signals | null
  events: E[]
  /** The last stderr lines (library logs, tracebacks) for error messages. */
  stderrTail: string
  /** The process was stopped through the AbortSignal. */
  aborted: boolean
  /** Its pid, while it ran (tests kill it to simulate a crash). */
  pid?: number
}

export interface WorkerOptions<E> {
  python: string
  command: 'train' | 'export'
  configFile: string
  schema: z.ZodType<E>
  onEvent?: (e: E) => void
  onSpawn?: (pid: number) => void
  signal?: AbortSignal
  /** ms between SIGTERM and SIGKILL (default 15 s: a checkpoint save fits). */
  killGraceMs?: number
  env?: NodeJS.ProcessEnv
}

export function runWorker<E>(opts: WorkerOptions<E>): Promise<WorkerRun<E>> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.python, ['-u', workerScriptPath(), opts.command, opts.configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PYTHONNOUSERSITE: '1', HF_HUB_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false', PYTHONUNBUFFERED: '1', ...opts.env },
      windowsHide: true,
    })
    const events: E[] = []
    let buf = ''
    let stderr = ''
    let aborted = false
    let killTimer: NodeJS.Timeout | undefined
    if (child.pid) opts.onSpawn?.(child.pid)
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8')
      const lines = buf.split('\n')
      buf = lines.pop() ?? ''
      for (const line of lines) {
        const e = parseEventLine(line, opts.schema)
        if (e === undefined) continue
        events.push(e)
        opts.onEvent?.(e)
      }
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-20_000)
    })
    const onAbort = () => {
      aborted = true
      child.kill('SIGTERM')
      killTimer = setTimeout(() => child.kill('SIGKILL'), opts.killGraceMs ?? 15_000)
    }
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, { once: true })
    child.on('error', (err) => {
      opts.signal?.removeEventListener('abort', onAbort)
      if (killTimer) clearTimeout(killTimer)
      reject(
        new EmbedMapError('NOT_FOUND', `cannot start ${opts.python}: ${err.message}`, 'check the Python environment (see pyenv)', {
          reason: 'PYTHON_NOT_FOUND',
        }),
      )
    })
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort)
      if (killTimer) clearTimeout(killTimer)
      const last = parseEventLine(buf, opts.schema)
      if (last !== undefined) {
        events.push(last)
        opts.onEvent?.(last)
      }
      resolve({ code, signal, events, stderrTail: stderr.trim().split('\n').slice(-15).join('\n'), aborted, pid: child.pid })
    })
  })
}
