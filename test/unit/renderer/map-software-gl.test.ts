import { describe, expect, it } from 'vitest'
import { isSoftwareRenderer } from '../../../src-renderer/map/software-gl'

describe('isSoftwareRenderer', () => {
  it('recognises SwiftShader (as luma.gl reports it and by name) and llvmpipe, not real GPUs', () => {
    expect(isSoftwareRenderer({ gpuType: 'cpu' })).toBe(true)
    expect(
      isSoftwareRenderer({ gpuType: 'unknown', renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)' }),
    ).toBe(true)
    expect(isSoftwareRenderer({ renderer: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true)
    expect(isSoftwareRenderer({ gpuType: 'discrete', renderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)' })).toBe(false)
    expect(isSoftwareRenderer({})).toBe(false)
  })
})
