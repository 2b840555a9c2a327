import type { Command } from 'commander'
import { gpuStatus, installCudaProvider } from '../../embed/gpu-setup'
import { EmbedMapError } from '../../errors'
import { reportError, emit, type OutputOptions } from '../output'

function describe(s: Awaited<ReturnType<typeof gpuStatus>>): string {
  return [
    `GPU: ${s.nvidiaGpus?.length ? s.nvidiaGpus.join('; ') : 'no NVIDIA GPU found'}`,
    `CUDA provider installed: ${s.cudaProviderInstalled ? 'yes' : 'no'}`,
    `probe on ${s.probe.device}: ran on ${s.probe.used}${s.probe.fallbackReason ? ` (${s.probe.fallbackReason})` : ''}`,
    s.ready ? 'Ready: embedding jobs with --device auto will use the GPU.' : (s.advice ?? ''),
  ].join('\n')
}

export function registerGpu(program: Command): void {
  const gpu = program.command('gpu').description('GPU inference: status, enable')

  gpu
    .command('status', { isDefault: true })
    .description('is a GPU usable for embedding, and if not, why')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as OutputOptions
      try {
        const s = await gpuStatus()
        emit(globals, s, () => describe(s))
      } catch (err) {
        process.exitCode = reportError(globals, err)
      }
    })

  gpu
    .command('enable')
    .description("install onnxruntime-node's CUDA 12 provider and check that a model runs on the GPU")
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as OutputOptions
      try {
        if (process.platform === 'darwin') throw new EmbedMapError('BAD_INPUT', 'macOS has no CUDA; EmbedMap uses CoreML there without any setup.')
        const before = await gpuStatus()
        if (!before.nvidiaGpus)
          throw new EmbedMapError(
            'NOT_FOUND',
            'No NVIDIA GPU or driver was found (nvidia-smi is missing or failed).',
            'Install the NVIDIA driver, then run `embedmap gpu enable` again. EmbedMap keeps working on the CPU meanwhile.',
          )
        if (!before.ready) {
          const installed = installCudaProvider()
          if (!installed.ok) {
            throw new EmbedMapError(
              'INTERNAL',
              `Installing the CUDA provider failed: ${installed.output.split('\n').slice(-3).join(' ')}`,
              'It downloads from NuGet: check the internet connection or proxy (GLOBAL_AGENT_HTTPS_PROXY), then run `embedmap gpu enable` again.',
            )
          }
        }
        const after = await gpuStatus()
        emit(globals, after, () => describe(after))
        if (!after.ready) process.exitCode = 1
      } catch (err) {
        process.exitCode = reportError(globals, err)
      }
    })
}
