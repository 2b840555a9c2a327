/**
 * onnxruntime-node sessions with an explicitly chosen execution provider and a recorded fallback.
 *
 * onnxruntime-node bundles `cpu` (+ `webgpu`, which does not work here) on Linux, `cpu` + `dml` on
 * Windows and `cpu` + `coreml` on macOS; `cuda` needs files its install script downloads (skipped
 * offline). A provider list like ['cuda','cpu'] throws instead of falling back, so each provider is
 * tried ALONE and we fall back in code, recording why.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import * as ort from 'onnxruntime-node'
import { EmbedMapError } from '../errors'
import type { Device, ProviderInfo } from './types'

type Accelerator = 'cuda' | 'dml' | 'coreml'

export interface CreateSessionOptions {
  device?: Device
  /** intra-op threads; default: physical cores. */
  threads?: number
}

export interface CreatedSession {
  session: ort.InferenceSession
  provider: ProviderInfo
  threads: number
}

export interface ProviderEnvironment {
  platform: NodeJS.Platform
  /** Providers this onnxruntime-node build lists (bundled or not). */
  supported: Set<string>
  /** The CUDA provider's shared library is present beside the binding. */
  cudaInstalled: boolean
}

/** Physical CPU cores (not hyper-threads), at least 1. */
export function physicalCoreCount(): number {
  const logical = Math.max(1, os.availableParallelism?.() ?? os.cpus().length)
  try {
    if (process.platform === 'linux') {
      const info = fs.readFileSync('/proc/cpuinfo', 'utf8')
      const cores = new Set<string>()
      let phys = '0'
      for (const line of info.split('\n')) {
        const [k, v] = line.split(':').map((s) => s?.trim())
        if (k === 'physical id') phys = v
        else if (k === 'core id') cores.add(`${phys}:${v}`)
      }
      if (cores.size > 0) return Math.min(cores.size, logical)
      return logical
    }
    if (process.platform === 'darwin') {
      const n = Number(execFileSync('sysctl', ['-n', 'hw.physicalcpu'], { encoding: 'utf8', timeout: 2000 }).trim())
      if (n > 0) return Math.min(n, logical)
    }
  } catch {
    // fall through to the estimate
  }
  // Windows and others: assume 2-way SMT on machines with 4+ logical CPUs.
  return logical >= 4 ? Math.floor(logical / 2) : logical
}

let cachedEnv: ProviderEnvironment | undefined

/** What this machine's onnxruntime-node can offer. */
export function providerEnvironment(): ProviderEnvironment {
  if (cachedEnv) return cachedEnv
  const supported = new Set<string>()
  try {
    for (const b of ort.listSupportedBackends()) supported.add(b.name)
  } catch {
    supported.add('cpu')
  }
  cachedEnv = { platform: process.platform, supported, cudaInstalled: cudaProviderInstalled() }
  return cachedEnv
}

function cudaProviderInstalled(): boolean {
  try {
    const require = createRequire(import.meta.url)
    const pkgDir = path.dirname(require.resolve('onnxruntime-node/package.json'))
    const binDir = path.join(pkgDir, 'bin', 'napi-v6', process.platform, process.arch)
    const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so'
    return fs.existsSync(path.join(binDir, lib))
  } catch {
    return false
  }
}

const CUDA_HINT = 'run `embedmap gpu enable` to install it (needs internet once, CUDA 12 and cuDNN 9)'

/**
 * The accelerators to try for a device, in order, and why the others are not tried.
 * Pure: the environment is passed in (tests give a fake one).
 */
export function planProviders(device: Device, env: ProviderEnvironment): { tryOrder: Accelerator[]; skipped: string[] } {
  const skipped: string[] = []
  const can = (p: Accelerator): boolean => {
    if (p === 'cuda') {
      if (env.platform !== 'linux' && env.platform !== 'win32') return skip(`CUDA is not available on ${env.platform}`)
      if (!env.supported.has('cuda')) return skip('this onnxruntime-node build has no CUDA provider')
      if (!env.cudaInstalled) return skip(`the CUDA provider of onnxruntime-node is not installed (${CUDA_HINT})`)
      return true
    }
    if (p === 'dml') {
      if (env.platform !== 'win32') return skip('DirectML is only available on Windows')
      if (!env.supported.has('dml')) return skip('this onnxruntime-node build has no DirectML provider')
      return true
    }
    if (env.platform !== 'darwin') return skip('CoreML is only available on macOS')
    if (!env.supported.has('coreml')) return skip('this onnxruntime-node build has no CoreML provider')
    return true
  }
  function skip(reason: string): false {
    skipped.push(reason)
    return false
  }
  let wanted: Accelerator[] = []
  if (device === 'cuda' || device === 'dml' || device === 'coreml') wanted = [device]
  else if (device === 'auto') {
    if (env.platform === 'linux') wanted = ['cuda']
    else if (env.platform === 'win32') wanted = ['cuda', 'dml']
    else if (env.platform === 'darwin') wanted = ['coreml']
    else skipped.push(`no GPU provider for ${env.platform}`)
  }
  return { tryOrder: wanted.filter(can), skipped }
}

function sessionOptions(provider: Accelerator | 'cpu', threads: number): ort.InferenceSession.SessionOptions {
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    logSeverityLevel: 3,
  }
  // DirectML does not support memory patterns or parallel execution.
  if (provider === 'dml') return { ...opts, enableMemPattern: false }
  return opts
}

/**
 * Creates a session on the best provider for `device`, falling back to CPU with the reason.
 * Throws BAD_INPUT when even the CPU cannot load the file (corrupt or not ONNX).
 */
export async function createSession(
  modelFile: string,
  opts: CreateSessionOptions = {},
  env: ProviderEnvironment = providerEnvironment(),
): Promise<CreatedSession> {
  const device = opts.device ?? 'auto'
  const threads = Math.max(1, Math.floor(opts.threads ?? physicalCoreCount()))
  const { tryOrder, skipped } = planProviders(device, env)
  const reasons = [...skipped]
  for (const p of tryOrder) {
    try {
      const session = await ort.InferenceSession.create(modelFile, sessionOptions(p, threads))
      const fallbackReason = device === 'auto' || device === p ? null : `${device} unavailable; used ${p}`
      return { session, provider: { requested: device, used: p, fallbackReason }, threads }
    } catch (err) {
      reasons.push(`${p} failed to start: ${firstLine(err)}`)
    }
  }
  let session: ort.InferenceSession
  try {
    session = await ort.InferenceSession.create(modelFile, sessionOptions('cpu', threads))
  } catch (err) {
    throw corruptModelError(modelFile, err)
  }
  const fallbackReason = device === 'cpu' ? null : reasons.join('; ') || `${device} unavailable`
  return { session, provider: { requested: device, used: 'cpu', fallbackReason }, threads }
}

export function corruptModelError(modelFile: string, err: unknown): EmbedMapError {
  const msg = firstLine(err)
  if (isLfsPointer(modelFile)) {
    return new EmbedMapError(
      'BAD_INPUT',
      `cannot load the ONNX model ${modelFile}: it is a Git LFS pointer (a few bytes of text), not the model`,
      'fetch the real file: `git lfs pull` in that repository, or download the model instead of cloning it',
      { file: modelFile },
    )
  }
  const missingData = /external data|\.onnx_data|No such file/i.test(msg)
  return new EmbedMapError(
    'BAD_INPUT',
    `cannot load the ONNX model ${modelFile}: ${msg}`,
    missingData
      ? 'a weights file beside the model (e.g. model.onnx_data) is missing or incomplete: download the model again'
      : 'the file is incomplete, corrupt or not an ONNX model: download it again, or export it with `optimum-cli export onnx`',
    { file: modelFile },
  )
}

function isLfsPointer(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r')
    try {
      const buf = Buffer.alloc(64)
      const n = fs.readSync(fd, buf, 0, 64, 0)
      return buf.subarray(0, n).toString('latin1').startsWith('version https://git-lfs')
    } finally {
      fs.closeSync(fd)
    }
  } catch {
    return false
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err)
  return msg.split('\n')[0].slice(0, 500)
}
