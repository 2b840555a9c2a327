/**
 * The Python environment the full fine-tune runs in: an existing one the user points to, or one EmbedMap
 * creates under its data folder and installs the pinned packages into. See README.md.
 */
import envPaths from 'env-paths'
import fs from 'node:fs'
import path from 'node:path'
import { EmbedMapError } from '../errors'
import { findPython } from './find-python'
import { createEnv, ENV_STAMP, envPython, type InstallProgress, type InstallSource } from './install-env'
import { FINETUNE_MODULES, FINETUNE_PACKAGES } from './packages'
import { type EnvReport, verifyEnv } from './verify-env'

export { findPython, isRecentEnough, MIN_PYTHON, probePython, type PythonInfo } from './find-python'
export { createEnv, ENV_STAMP, envPython, type InstallProgress, type InstallSource, uvAvailable } from './install-env'
export { FINETUNE_MODULES, FINETUNE_PACKAGES } from './packages'
export { inspectEnv, verifyEnv, type EnvReport } from './verify-env'

/** What the fine-tune runner needs: an interpreter that imports the worker's packages. */
export interface PythonEnv {
  python: string
  /** true: EmbedMap made it (and may rebuild it); false: the user's own. */
  managed: boolean
  report: EnvReport
}

/** Where the managed environment lives: EMBEDMAP_PYENV, else <app data>/python-env. */
export function defaultEnvDir(): string {
  if (process.env.EMBEDMAP_PYENV) return path.resolve(process.env.EMBEDMAP_PYENV)
  return path.join(envPaths('EmbedMap', { suffix: '' }).data, 'python-env')
}

/** A python executable, or an environment folder (its bin/python or Scripts\python.exe). */
export function pythonOf(pathOrEnv: string): string {
  const p = path.resolve(pathOrEnv)
  try {
    if (fs.statSync(p).isDirectory()) return envPython(p)
  } catch {
    throw new EmbedMapError('NOT_FOUND', `${p} does not exist`, 'give the python executable or the folder of an existing virtual environment', {
      reason: 'PYTHON_NOT_FOUND',
    })
  }
  return p
}

/** An environment the user already has (e.g. with CUDA torch): verified, never modified. */
export async function useExistingEnv(pathOrEnv: string, opts: { modules?: readonly string[]; signal?: AbortSignal } = {}): Promise<PythonEnv> {
  const python = pythonOf(pathOrEnv)
  if (!fs.existsSync(python))
    throw new EmbedMapError('NOT_FOUND', `no Python at ${python}`, 'give the python executable or the folder of an existing virtual environment', {
      reason: 'PYTHON_NOT_FOUND',
    })
  return { python, managed: false, report: await verifyEnv(python, opts.modules ?? FINETUNE_MODULES, opts.signal) }
}

export interface EnsureEnvOptions extends InstallSource {
  envDir?: string
  /** The interpreter to build the environment from (else the newest Python ≥ 3.10 on PATH). */
  interpreter?: string
  packages?: readonly string[]
  modules?: readonly string[]
  installer?: 'auto' | 'uv' | 'pip'
  /** Rebuild even when a complete environment with the same packages exists. */
  force?: boolean
  onProgress?: (p: InstallProgress) => void
  signal?: AbortSignal
}

interface Stamp {
  packages: string[]
  installer: string
  basePython: string
  pythonVersion: string
  createdAt: string
  seconds: number
}

/** The managed environment: reused when its stamp lists the same packages and it verifies, else (re)built. */
export async function ensureManagedEnv(opts: EnsureEnvOptions = {}): Promise<PythonEnv> {
  const envDir = path.resolve(opts.envDir ?? defaultEnvDir())
  const packages = [...(opts.packages ?? FINETUNE_PACKAGES)]
  const modules = opts.modules ?? FINETUNE_MODULES
  const stampFile = path.join(envDir, ENV_STAMP)
  if (!opts.force && fs.existsSync(stampFile)) {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as Stamp
    if (JSON.stringify(stamp.packages) === JSON.stringify(packages)) {
      try {
        return { python: envPython(envDir), managed: true, report: await verifyEnv(envPython(envDir), modules, opts.signal) }
      } catch (err) {
        if (err instanceof EmbedMapError && err.code === 'CANCELLED') throw err
        // a broken environment is rebuilt below
      }
    }
  }
  const base = await findPython({ interpreter: opts.interpreter })
  const made = await createEnv({ ...opts, python: base, envDir, packages })
  opts.onProgress?.({ phase: 'verify', message: `checking ${modules.join(', ')}` })
  let report: EnvReport
  try {
    report = await verifyEnv(made.python, modules, opts.signal)
  } catch (err) {
    fs.rmSync(envDir, { recursive: true, force: true })
    throw err
  }
  const stamp: Stamp = {
    packages,
    installer: made.installer,
    basePython: base.executable,
    pythonVersion: base.version,
    createdAt: new Date().toISOString(),
    seconds: made.seconds,
  }
  fs.writeFileSync(stampFile, JSON.stringify(stamp, null, 2))
  opts.onProgress?.({ phase: 'done', message: `environment ready in ${made.seconds.toFixed(0)} s (${made.installer})` })
  return { python: made.python, managed: true, report }
}
