// The page side of `npm run bench -- map-floor`: draws N points in one WebGL2 canvas in several ways and times each
// frame to the point where it is drawn (a 1-pixel readPixels waits for the software rasteriser to finish).
// Bundled by bench/map-floor.ts with esbuild and run in headless Chromium; exposes window.__floor.
import { Deck, OrthographicView, type Layer } from '@deck.gl/core'
import { PointCloudLayer, ScatterplotLayer } from '@deck.gl/layers'
import { RoundPointsLayer } from '../../src-renderer/map/round-points-layer'

const W = 1200
const H = 800

/** UMAP-like blobs in about [-25, 25]², with RGBA colours, the same for every method. */
function makePoints(n: number): { coords: Float32Array; colors: Uint8Array } {
  let seed = 7
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd())
  const centres = Array.from({ length: 40 }, () => [gauss() * 12, gauss() * 9, 0.4 + rnd() * 1.6])
  const coords = new Float32Array(2 * n)
  const colors = new Uint8Array(4 * n)
  for (let i = 0; i < n; i++) {
    const c = centres[i % 40]
    coords[2 * i] = c[0] + gauss() * c[2]
    coords[2 * i + 1] = c[1] + gauss() * c[2]
    colors.set([(i * 37) % 255, (i * 91) % 255, (i * 13) % 255, 200], 4 * i)
  }
  return { coords, colors }
}

function canvas(): HTMLCanvasElement {
  document.body.replaceChildren()
  const c = document.createElement('canvas')
  c.width = W
  c.height = H
  c.style.cssText = `width:${W}px;height:${H}px`
  document.body.append(c)
  return c
}

/** Waits until everything drawn so far is rasterised: reading one pixel blocks on it. */
function finish(gl: WebGL2RenderingContext): void {
  gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4))
}

function compile(gl: WebGL2RenderingContext, vs: string, fs: string): WebGLProgram {
  const p = gl.createProgram()!
  for (const [type, src] of [
    [gl.VERTEX_SHADER, vs],
    [gl.FRAGMENT_SHADER, fs],
  ] as const) {
    const s = gl.createShader(type)!
    gl.shaderSource(s, src)
    gl.compileShader(s)
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s) ?? 'shader')
    gl.attachShader(p, s)
  }
  gl.linkProgram(p)
  if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(p) ?? 'link')
  return p
}

const FS_ROUND = `#version 300 es
precision highp float;
in vec4 vColor; out vec4 o;
void main() { vec2 d = gl_PointCoord * 2.0 - 1.0; if (dot(d, d) > 1.0) discard; o = vColor; }`

const FS_QUAD = `#version 300 es
precision highp float;
in vec4 vColor; in vec2 vUnit; out vec4 o;
void main() { if (dot(vUnit, vUnit) > 1.0) discard; o = vColor; }`

type RawMode = 'points' | 'instanced-quads' | 'triangles'

/** Raw WebGL2: the floor for each way of putting a disc per point on screen. Returns ms per frame. */
function raw(mode: RawMode, n: number, frames: number, radius: number, webgl: WebGLContextAttributes = {}): number[] {
  const { coords, colors } = makePoints(n)
  const gl = canvas().getContext('webgl2', webgl)!
  const scale = 'uniform vec2 uOffset; uniform float uScale;'
  const place = 'vec2 p = (aPos + uOffset) * uScale * vec2(1.0, 1.5);'
  let program: WebGLProgram
  let draw: () => void
  const vao = gl.createVertexArray()
  gl.bindVertexArray(vao)
  const buffer = (data: ArrayBufferView, loc: number, size: number, type: number, normalized: boolean, divisor: number) => {
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer())
    gl.bufferData(gl.ARRAY_BUFFER, data, gl.STATIC_DRAW)
    gl.enableVertexAttribArray(loc)
    gl.vertexAttribPointer(loc, size, type, normalized, 0, 0)
    gl.vertexAttribDivisor(loc, divisor)
  }
  if (mode === 'points') {
    program = compile(
      gl,
      `#version 300 es
      layout(location=0) in vec2 aPos; layout(location=1) in vec4 aColor; ${scale} out vec4 vColor;
      void main() { ${place} gl_Position = vec4(p, 0.0, 1.0); gl_PointSize = ${(2 * radius).toFixed(1)}; vColor = aColor; }`,
      FS_ROUND,
    )
    buffer(coords, 0, 2, gl.FLOAT, false, 0)
    buffer(colors, 1, 4, gl.UNSIGNED_BYTE, true, 0)
    draw = () => gl.drawArrays(gl.POINTS, 0, n)
  } else if (mode === 'instanced-quads') {
    program = compile(
      gl,
      `#version 300 es
      layout(location=0) in vec2 aPos; layout(location=1) in vec4 aColor; layout(location=2) in vec2 aCorner; ${scale}
      out vec4 vColor; out vec2 vUnit;
      void main() { ${place} gl_Position = vec4(p + aCorner * ${radius.toFixed(1)} * 2.0 / vec2(${W}.0, ${H}.0), 0.0, 1.0); vUnit = aCorner; vColor = aColor; }`,
      FS_QUAD,
    )
    buffer(coords, 0, 2, gl.FLOAT, false, 1)
    buffer(colors, 1, 4, gl.UNSIGNED_BYTE, true, 1)
    buffer(new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), 2, 2, gl.FLOAT, false, 0)
    draw = () => gl.drawArraysInstanced(gl.TRIANGLE_STRIP, 0, 4, n)
  } else {
    // Two triangles per point, every vertex carrying its point's position: 6 vertices per point, no instancing.
    const pos = new Float32Array(12 * n)
    const col = new Uint8Array(24 * n)
    const corner = new Float32Array(12 * n)
    const corners = [-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1]
    for (let i = 0; i < n; i++) {
      for (let v = 0; v < 6; v++) {
        pos[12 * i + 2 * v] = coords[2 * i]
        pos[12 * i + 2 * v + 1] = coords[2 * i + 1]
        col.set(colors.subarray(4 * i, 4 * i + 4), 24 * i + 4 * v)
      }
      corner.set(corners, 12 * i)
    }
    program = compile(
      gl,
      `#version 300 es
      layout(location=0) in vec2 aPos; layout(location=1) in vec4 aColor; layout(location=2) in vec2 aCorner; ${scale}
      out vec4 vColor; out vec2 vUnit;
      void main() { ${place} gl_Position = vec4(p + aCorner * ${radius.toFixed(1)} * 2.0 / vec2(${W}.0, ${H}.0), 0.0, 1.0); vUnit = aCorner; vColor = aColor; }`,
      FS_QUAD,
    )
    buffer(pos, 0, 2, gl.FLOAT, false, 0)
    buffer(col, 1, 4, gl.UNSIGNED_BYTE, true, 0)
    buffer(corner, 2, 2, gl.FLOAT, false, 0)
    draw = () => gl.drawArrays(gl.TRIANGLES, 0, 6 * n)
  }
  gl.useProgram(program)
  gl.enable(gl.BLEND)
  gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA)
  const uOffset = gl.getUniformLocation(program, 'uOffset')
  gl.uniform1f(gl.getUniformLocation(program, 'uScale'), 1 / 30)
  const times: number[] = []
  for (let f = 0; f < frames; f++) {
    const t0 = performance.now()
    gl.uniform2f(uOffset, f * 0.3, f * 0.1)
    gl.clearColor(1, 1, 1, 1)
    gl.clear(gl.COLOR_BUFFER_BIT)
    draw()
    finish(gl)
    times.push(performance.now() - t0)
  }
  return times
}

let previous: Deck<OrthographicView> | null = null

type DeckMode = 'scatterplot' | 'scatterplot-plain' | 'point-cloud' | 'round-points'

/** deck.gl, one points layer, as the map draws it; frame = new view state → redraw → finished. */
function deck(
  mode: DeckMode,
  n: number,
  frames: number,
  radius: number,
  useDevicePixels: boolean | number,
  webgl: WebGLContextAttributes = {},
): Promise<number[]> {
  const { coords, colors } = makePoints(n)
  const data = { length: n, attributes: { getPosition: { value: coords, size: 2 }, getFillColor: { value: colors, size: 4, normalized: true } } }
  const layer = (): Layer => {
    switch (mode) {
      case 'scatterplot':
        return new ScatterplotLayer({ id: 'p', data, radiusUnits: 'pixels', getRadius: radius, radiusMinPixels: 0.5, stroked: false, pickable: false })
      case 'scatterplot-plain':
        return new ScatterplotLayer({
          id: 'p',
          data,
          radiusUnits: 'pixels',
          getRadius: radius,
          stroked: false,
          pickable: false,
          antialiasing: false,
          parameters: { depthWriteEnabled: false, depthCompare: 'always' },
        })
      case 'point-cloud':
        return new PointCloudLayer({
          id: 'p',
          data: { length: n, attributes: { getPosition: { value: coords, size: 2 }, getColor: { value: colors, size: 4, normalized: true } } },
          sizeUnits: 'pixels',
          pointSize: radius,
          pickable: false,
        })
      case 'round-points':
        return new RoundPointsLayer({ id: 'p', data, radiusPixels: radius }) as unknown as Layer
    }
  }
  previous?.finalize()
  previous = null
  const c = canvas()
  const times: number[] = []
  let gl: WebGL2RenderingContext | null = null
  return new Promise<number[]>((resolve, reject) => {
    let t0 = performance.now()
    const view = (f: number) => ({ target: [f * 0.3, f * 0.1, 0] as [number, number, number], zoom: 4 })
    const d = new Deck<OrthographicView>({
      canvas: c,
      width: W,
      height: H,
      useDevicePixels,
      deviceProps: { type: 'webgl', webgl },
      views: new OrthographicView({ id: 'map', flipY: true }),
      viewState: view(0),
      layers: [layer()],
      onError: (e) => reject(e),
      onAfterRender: () => {
        gl ??= c.getContext('webgl2')
        finish(gl!)
        times.push(performance.now() - t0)
        if (times.length >= frames) {
          // Kept on screen until the next method starts, for screenshots.
          previous = d
          resolve(times)
          return
        }
        // The next frame from a new task, as a pointer move would do it.
        setTimeout(() => {
          t0 = performance.now()
          d.setProps({ viewState: view(times.length) })
          d.redraw('bench')
        }, 0)
      },
    })
  })
}

declare global {
  interface Window {
    __floor: { raw: typeof raw; deck: typeof deck; renderer(): string }
  }
}

window.__floor = {
  raw,
  deck,
  renderer() {
    const gl = document.createElement('canvas').getContext('webgl2')
    const ext = gl?.getExtension('WEBGL_debug_renderer_info')
    return ext && gl ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'no webgl2'
  },
}
