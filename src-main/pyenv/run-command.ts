/** Runs a program to completion, line by line, with cancel: the one way pyenv starts processes. */
import { spawn } from 'node:child_process'
import { EmbedMapError } from '../errors'

export interface CommandResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunCommandOptions {
  env?: NodeJS.ProcessEnv
  cwd?: string
  signal?: AbortSignal
  /** Each stdout / stderr line as it arrives (install progress). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  timeoutMs?: number
}

/** Resolves with the exit status (never rejects for a non-zero exit); rejects when the program cannot start. */
export function runCommand(cmd: string, args: string[], opts: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new EmbedMapError('CANCELLED', 'cancelled'))
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
    const out = { stdout: '', stderr: '' }
    const partial = { stdout: '', stderr: '' }
    const take = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      out[stream] += text
      if (!opts.onLine) return
      const lines = (partial[stream] + text).split(/\r?\n|\r/)
      partial[stream] = lines.pop() ?? ''
      for (const l of lines) if (l.trim()) opts.onLine(l, stream)
    }
    child.stdout.on('data', take('stdout'))
    child.stderr.on('data', take('stderr'))
    const onAbort = () => child.kill('SIGTERM')
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined
    child.on('error', (err) => {
      opts.signal?.removeEventListener('abort', onAbort)
      if (timer) clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', onAbort)
      if (timer) clearTimeout(timer)
      for (const s of ['stdout', 'stderr'] as const) if (opts.onLine && partial[s].trim()) opts.onLine(partial[s], s)
      if (opts.signal?.aborted) return reject(new EmbedMapError('CANCELLED', `${cmd} was cancelled`))
      resolve({ code, signal, ...out })
    })
  })
}

/** The last lines of a program's output, for an error message. */
export function tail(text: string, lines = 8): string {
  return text.trim().split(/\r?\n/).slice(-lines).join('\n')
}
