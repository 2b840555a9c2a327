import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSession, physicalCoreCount, planProviders, providerEnvironment, type ProviderEnvironment } from '../../../src-main/embed/session'
import { writeTinyModel } from '../../helpers/tiny-model'
import { tmpDir } from '../../helpers/tmp'

const env = (platform: NodeJS.Platform, supported: string[], cudaInstalled = false): ProviderEnvironment => ({
  platform,
  supported: new Set(supported),
  cudaInstalled,
})

describe('planProviders', () => {
  it('auto: CUDA on Linux only when its provider is installed', () => {
    expect(planProviders('auto', env('linux', ['cpu', 'webgpu', 'cuda'], true)).tryOrder).toEqual(['cuda'])
    const p = planProviders('auto', env('linux', ['cpu', 'webgpu', 'cuda'], false))
    expect(p.tryOrder).toEqual([])
    expect(p.skipped.join(' ')).toMatch(/CUDA provider of onnxruntime-node is not installed/)
  })
  it('auto: CUDA then DirectML on Windows, CoreML on macOS', () => {
    expect(planProviders('auto', env('win32', ['cpu', 'dml', 'cuda'], true)).tryOrder).toEqual(['cuda', 'dml'])
    expect(planProviders('auto', env('win32', ['cpu', 'dml', 'cuda'], false)).tryOrder).toEqual(['dml'])
    expect(planProviders('auto', env('darwin', ['cpu', 'coreml'])).tryOrder).toEqual(['coreml'])
  })
  it('never plans webgpu, and explains providers that cannot exist on a platform', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      expect(planProviders('auto', env(platform, ['cpu', 'webgpu', 'dml', 'coreml', 'cuda'], true)).tryOrder).not.toContain('webgpu')
    }
    expect(planProviders('dml', env('linux', ['cpu'])).skipped).toEqual(['DirectML is only available on Windows'])
    expect(planProviders('coreml', env('win32', ['cpu', 'dml'])).skipped).toEqual(['CoreML is only available on macOS'])
    expect(planProviders('cuda', env('darwin', ['cpu', 'coreml'])).skipped).toEqual(['CUDA is not available on darwin'])
    expect(planProviders('cpu', env('linux', ['cpu'])).tryOrder).toEqual([])
  })
})

describe('createSession', () => {
  const dir = tmpDir('embedmap-session-')
  const m = writeTinyModel(path.join(dir, 'm'))

  it('falls back to CPU with the reason when CUDA is asked for and missing', async () => {
    const s = await createSession(m.onnxFiles.fp32!, { device: 'cuda' }, env('linux', ['cpu', 'webgpu', 'cuda'], false))
    try {
      expect(s.provider).toMatchObject({ requested: 'cuda', used: 'cpu' })
      expect(s.provider.fallbackReason).toMatch(/CUDA provider .* not installed/)
      expect(s.session.inputNames).toContain('input_ids')
    } finally {
      await s.session.release()
    }
  })

  it.skipIf(providerEnvironment().cudaInstalled)(
    'records a provider that fails to start and still runs on CPU (real onnxruntime on this machine)',
    async () => {
      // Pretend the CUDA library is installed: onnxruntime itself then fails to load it here.
      const s = await createSession(m.onnxFiles.fp32!, { device: 'cuda', threads: 1 }, env(process.platform, ['cpu', 'cuda'], true))
      try {
        expect(s.provider.used).toBe('cpu')
        expect(s.provider.fallbackReason).toMatch(/cuda failed to start/)
        expect(s.threads).toBe(1)
      } finally {
        await s.session.release()
      }
    },
  )

  it('auto on a machine without accelerators runs on CPU and says why', async () => {
    const s = await createSession(m.onnxFiles.fp32!, { device: 'auto' })
    try {
      expect(s.provider.requested).toBe('auto')
      if (s.provider.used === 'cpu') expect(s.provider.fallbackReason).toBeTruthy()
    } finally {
      await s.session.release()
    }
  })

  it('counts physical cores', () => {
    const n = physicalCoreCount()
    expect(n).toBeGreaterThanOrEqual(1)
    expect(Number.isInteger(n)).toBe(true)
  })
})
