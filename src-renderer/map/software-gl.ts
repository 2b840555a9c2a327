/**
 * Whether WebGL is rendered on the CPU (SwiftShader in Chromium/Electron without a usable GPU, Mesa's llvmpipe):
 * there every pixel and every vertex costs CPU time, so the map draws at one pixel per CSS pixel.
 */
export function isSoftwareRenderer(info: { gpuType?: string; renderer?: string; vendor?: string }): boolean {
  if (info.gpuType === 'cpu') return true
  return /swiftshader|llvmpipe|softpipe|software/i.test(`${info.renderer ?? ''} ${info.vendor ?? ''}`)
}
