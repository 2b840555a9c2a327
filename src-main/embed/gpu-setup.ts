/**
 * `embedmap gpu status|enable`: the one step that turns on NVIDIA GPU inference. onnxruntime-node ships
 * the CPU provider; the CUDA provider is fetched by its own install script, which package.json's
 * `allowScripts` denies so that `npm install` never downloads CUDA files or fails offline. `enable` runs that script for CUDA 12 and then proves the
 * result by running a tiny graph on the GPU, or says exactly why it could not.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { createSession, providerEnvironment } from './session'

/** A 4×4 identity MatMul (opset 17), built once with onnx-proto: enough to prove a provider runs. */
const PROBE_MODEL_B64 =
  'CAgSCGVtYmVkbWFwOpMBChEKAXgKAXcSAXkiBk1hdE11bBIFcHJvYmUqSwoCBAQQASJAAACAPwAAAAAAAAAAAAAAAAAAAAAAAIA/AAAAAAAAAAAAAAAAAAAAAAAAgD8AAAAAAAAAAAAAAAAAAAAAAACAP0IBd1oUCgF4Eg8KDQgBEgkKAxIBbgoCCARiFAoBeRIPCg0IARIJCgMSAW4KAggEQgQKABAR'

export interface GpuStatus {
  platform: NodeJS.Platform
  /** What `nvidia-smi` says (GPU names and driver), or null when there is none. */
  nvidiaGpus: string[] | null
  cudaProviderInstalled: boolean
  /** Result of running the probe graph with device 'cuda' (or 'dml'/'coreml' on those platforms). */
  probe: { device: string; used: string; fallbackReason: string | null }
  ready: boolean
  advice: string | null
}

function nvidiaGpus(): string[] | null {
  const r = spawnSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8', timeout: 15_000 })
  if (r.error || r.status !== 0) return null
  return r.stdout.trim().split('\n').filter(Boolean)
}

async function probe(device: 'cuda' | 'dml' | 'coreml'): Promise<GpuStatus['probe']> {
  const file = path.join(os.tmpdir(), `embedmap-gpu-probe-${process.pid}.onnx`)
  fs.writeFileSync(file, Buffer.from(PROBE_MODEL_B64, 'base64'))
  try {
    const s = await createSession(file, { device, threads: 1 })
    await s.session.release()
    return { device, used: s.provider.used, fallbackReason: s.provider.fallbackReason }
  } finally {
    fs.rmSync(file, { force: true })
  }
}

export async function gpuStatus(): Promise<GpuStatus> {
  const platform = process.platform
  const device = platform === 'darwin' ? 'coreml' : platform === 'win32' && !nvidiaGpus() ? 'dml' : 'cuda'
  const gpus = platform === 'darwin' ? null : nvidiaGpus()
  const env = providerEnvironment()
  const p = await probe(device)
  const ready = p.used !== 'cpu'
  let advice: string | null = null
  if (!ready) {
    if (device === 'cuda' && !gpus) advice = 'No NVIDIA GPU or driver was found (nvidia-smi is missing or failed): EmbedMap runs on the CPU.'
    else if (device === 'cuda' && !env.cudaInstalled)
      advice = 'Run `embedmap gpu enable` to install the CUDA provider of onnxruntime-node (needs internet once, CUDA 12 and cuDNN 9).'
    else advice = `The ${device} provider did not start: ${p.fallbackReason}`
  }
  return { platform, nvidiaGpus: gpus, cudaProviderInstalled: env.cudaInstalled, probe: p, ready, advice }
}

/** Installs the CUDA 12 provider files with onnxruntime-node's own script; returns its output on failure. */
export function installCudaProvider(): { ok: boolean; output: string } {
  const require = createRequire(import.meta.url)
  const script = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'script', 'install.js')
  const r = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'cuda12', npm_config_onnxruntime_node_install: 'cuda12' },
    timeout: 30 * 60_000,
  })
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`.trim()
  return { ok: r.status === 0, output }
}
