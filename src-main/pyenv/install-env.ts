/**
 * Creates a virtual environment and installs a pinned package set into it, with progress.
 * `uv` when it is on PATH (fast, no ensurepip needed), `pip` otherwise. A failed or cancelled install
 * removes the folder: an environment exists only once its stamp file (embedmap-env.json) is written.
 */
import fs from 'node:fs'
import path from 'node:path'
import { EmbedMapError } from '../errors'
import type { PythonInfo } from './find-python'
import { runCommand, tail } from './run-command'

export const ENV_STAMP = 'embedmap-env.json'

export interface InstallSource {
  /** A custom package index (e.g. a company mirror). */
  indexUrl?: string
  /** A local folder of wheels; with offline, nothing else is consulted. */
  findLinks?: string
  offline?: boolean
  /** Network retries per download (pip's default is 5). */
  retries?: number
}

export interface InstallProgress {
  phase: 'create' | 'resolve' | 'download' | 'install' | 'verify' | 'done'
  message: string
  /** Requirements seen so far / asked for (resolve phase). */
  done?: number
  total?: number
}

export interface CreateEnvOptions extends InstallSource {
  python: PythonInfo
  envDir: string
  packages: readonly string[]
  installer?: 'auto' | 'uv' | 'pip'
  onProgress?: (p: InstallProgress) => void
  signal?: AbortSignal
}

export function envPython(envDir: string): string {
  return process.platform === 'win32' ? path.join(envDir, 'Scripts', 'python.exe') : path.join(envDir, 'bin', 'python')
}

export async function uvAvailable(): Promise<boolean> {
  try {
    return (await runCommand('uv', ['--version'], { timeoutMs: 10_000 })).code === 0
  } catch {
    return false
  }
}

function venvHint(p: PythonInfo): string {
  return process.platform === 'linux'
    ? `install the venv module for this Python (Debian/Ubuntu: \`sudo apt install python${p.major}.${p.minor}-venv\`), install uv, or choose another Python`
    : 'reinstall Python from python.org (it includes venv and ensurepip), install uv, or choose another Python'
}

/** Makes `envDir` a fresh venv with `packages` installed; returns the environment's python. */
export async function createEnv(opts: CreateEnvOptions): Promise<{ python: string; installer: 'uv' | 'pip'; seconds: number }> {
  const t0 = Date.now()
  const want = opts.installer ?? 'auto'
  const hasUv = want !== 'pip' && (await uvAvailable())
  if (want === 'uv' && !hasUv)
    throw new EmbedMapError('NOT_FOUND', 'uv was asked for but is not on PATH', 'install uv (https://docs.astral.sh/uv/) or use the pip installer', {
      reason: 'UV_NOT_FOUND',
    })
  const installer = hasUv ? 'uv' : 'pip'
  if (installer === 'pip' && (!opts.python.hasVenv || !opts.python.hasEnsurepip)) {
    throw new EmbedMapError(
      'BAD_INPUT',
      `${opts.python.executable} (${opts.python.version}) cannot create virtual environments: its ${!opts.python.hasVenv ? 'venv' : 'ensurepip'} module is missing`,
      venvHint(opts.python),
      {
        reason: 'PYTHON_NO_VENV',
        python: opts.python.executable,
      },
    )
  }
  if (opts.findLinks && !fs.existsSync(opts.findLinks))
    throw new EmbedMapError('NOT_FOUND', `the wheel folder ${opts.findLinks} does not exist`, 'give the folder that holds the .whl files', {
      reason: 'WHEELS_NOT_FOUND',
    })

  const envDir = path.resolve(opts.envDir)
  fs.rmSync(envDir, { recursive: true, force: true })
  fs.mkdirSync(path.dirname(envDir), { recursive: true })
  const progress = opts.onProgress ?? (() => {})
  try {
    progress({ phase: 'create', message: `creating a virtual environment with Python ${opts.python.version} in ${envDir}` })
    const created =
      installer === 'uv'
        ? await runCommand('uv', ['venv', '--python', opts.python.executable, envDir], { signal: opts.signal })
        : await runCommand(opts.python.executable, ['-m', 'venv', envDir], { signal: opts.signal })
    if (created.code !== 0) {
      throw new EmbedMapError(
        'BAD_INPUT',
        `could not create a virtual environment in ${envDir}:\n${tail(created.stderr || created.stdout)}`,
        venvHint(opts.python),
        { reason: 'PYTHON_NO_VENV' },
      )
    }
    const python = envPython(envDir)
    const source = sourceArgs(opts)
    const args =
      installer === 'uv'
        ? ['pip', 'install', '--python', python, ...source, ...opts.packages]
        : [
            '-m',
            'pip',
            'install',
            '--disable-pip-version-check',
            '--no-input',
            '--progress-bar',
            'off',
            ...(opts.retries !== undefined ? ['--retries', String(opts.retries)] : []),
            ...source,
            ...opts.packages,
          ]
    let seen = 0
    const total = opts.packages.length
    const r = await runCommand(installer === 'uv' ? 'uv' : python, args, {
      signal: opts.signal,
      env: { ...process.env, PIP_NO_INPUT: '1', PYTHONNOUSERSITE: '1' },
      onLine: (line) => {
        const l = line.trim()
        if (/^Collecting |^Looking in /.test(l)) progress({ phase: 'resolve', message: l, done: l.startsWith('Collecting') ? ++seen : seen, total })
        else if (/^Downloading |^Downloaded |^Prepared /.test(l)) progress({ phase: 'download', message: l })
        else if (/^Installing collected packages|^Installed |^Successfully installed/.test(l)) progress({ phase: 'install', message: l })
      },
    })
    if (r.code !== 0) {
      throw new EmbedMapError(
        'BAD_INPUT',
        `installing the fine-tune packages failed (${installer} exited with ${r.code}):\n${tail(r.stderr || r.stdout)}`,
        opts.findLinks
          ? `check that ${opts.findLinks} holds wheels for every pinned package for this platform and Python ${opts.python.major}.${opts.python.minor}`
          : `check the network connection and proxy (HTTPS_PROXY)${opts.indexUrl ? ` and that ${opts.indexUrl} is a reachable package index` : ''}; offline sites can install from a wheel folder (--find-links DIR --offline)`,
        { reason: 'INSTALL_FAILED', installer, exitCode: r.code, indexUrl: opts.indexUrl },
      )
    }
    return { python, installer, seconds: (Date.now() - t0) / 1000 }
  } catch (err) {
    // Nothing half-made stays behind: without its stamp the folder is not an environment.
    fs.rmSync(envDir, { recursive: true, force: true })
    throw err
  }
}

function sourceArgs(s: InstallSource): string[] {
  const args: string[] = []
  if (s.indexUrl) args.push('--index-url', s.indexUrl)
  if (s.findLinks) args.push('--find-links', path.resolve(s.findLinks))
  if (s.offline) args.push('--no-index')
  return args
}
