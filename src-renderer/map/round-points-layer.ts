import {
  Layer,
  picking,
  project32,
  type Accessor,
  type Color,
  type DefaultProps,
  type LayerDataSource,
  type LayerProps,
  type Position,
  type UpdateParameters,
} from '@deck.gl/core'
import { Model } from '@luma.gl/engine'
import type { ShaderModule } from '@luma.gl/shadertools'

/**
 * Round points drawn as GL_POINTS: one vertex per point, one draw call, no instancing.
 *
 * Why not ScatterplotLayer: it draws an instanced quad per point, and SwiftShader (Chromium's software WebGL, what
 * users without a GPU and our CI get) pays a fixed cost per instance (~25 µs), so 1M points took ~30 s a frame.
 * The same points as one non-instanced vertex stream draw in a fraction of that (bench/map-floor.ts measures both).
 * Looks the same: radius in CSS pixels, a smoothed edge like ScatterplotLayer's antialiasing, the layer's opacity.
 * Not pickable on the GPU (the map picks on the CPU). Fully transparent points (hidden clusters) are dropped in the
 * vertex shader, so they cost no fill.
 * Limits of GL_POINTS: a point whose centre leaves the canvas vanishes whole (at most a radius of disc at the edge),
 * and the point size is capped by the GPU's ALIASED_POINT_SIZE_RANGE (it depends on the GPU; the size slider stops at a 12 px radius, a 25 px sprite at 1x).
 * What a frame costs now is mostly fill: the sprite is 2 × (radius + ½ px smoothing margin) wide; the projection
 * is not measurable (a trivial vertex shader drew 1M points in the same ~0.74 s).
 */
export interface RoundPointsLayerProps<DataT = unknown> extends LayerProps {
  data: LayerDataSource<DataT>
  /** Radius of every point in CSS pixels (a uniform: changing it rebuilds nothing). */
  radiusPixels?: number
  getPosition?: Accessor<DataT, Position>
  getFillColor?: Accessor<DataT, Color>
}

interface RoundPointsUniformProps {
  radiusPixels: number
}

const uniformBlock = /* glsl */ `\
layout(std140) uniform roundPointsUniforms {
  float radiusPixels;
} roundPoints;
`

const roundPointsUniforms = {
  name: 'roundPoints',
  vs: uniformBlock,
  fs: uniformBlock,
  uniformTypes: { radiusPixels: 'f32' },
} as const satisfies ShaderModule<RoundPointsUniformProps>

const vs = /* glsl */ `\
#version 300 es
#define SHADER_NAME round-points-layer-vertex-shader

in vec3 positions;
in vec3 positions64Low;
in vec4 fillColors;

out vec4 vColor;
// Radius including the half-pixel smoothing margin, in CSS pixels: the fragment shader's unit of distance.
out float vOuterRadius;

void main(void) {
  if (fillColors.a == 0.0) {
    // Hidden point: outside the clip volume, so it is never rasterised.
    gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    gl_PointSize = 0.0;
    return;
  }
  geometry.worldPosition = positions;
  gl_Position = project_position_to_clipspace(positions, positions64Low, vec3(0.0), geometry.position);
  vOuterRadius = roundPoints.radiusPixels + SMOOTH_EDGE_RADIUS;
  gl_PointSize = 2.0 * vOuterRadius * project.devicePixelRatio;
  vColor = vec4(fillColors.rgb, fillColors.a * layer.opacity);
}
`

const fs = /* glsl */ `\
#version 300 es
#define SHADER_NAME round-points-layer-fragment-shader

precision highp float;

in vec4 vColor;
in float vOuterRadius;

out vec4 fragColor;

void main(void) {
  float distToCenter = length(gl_PointCoord * 2.0 - 1.0) * vOuterRadius;
  float inCircle = smoothedge(distToCenter, roundPoints.radiusPixels);
  if (inCircle == 0.0) discard;
  fragColor = vec4(vColor.rgb, vColor.a * inCircle);
}
`

const defaultProps: DefaultProps<RoundPointsLayerProps> = {
  radiusPixels: { type: 'number', min: 0, value: 2 },
  getPosition: { type: 'accessor', value: (x: unknown) => (x as { position: Position }).position },
  getFillColor: { type: 'accessor', value: [0, 0, 0, 255] },
}

export class RoundPointsLayer<DataT = unknown> extends Layer<Required<RoundPointsLayerProps<DataT>>> {
  static override defaultProps = defaultProps
  static override layerName = 'RoundPointsLayer'

  declare state: { model?: Model }

  override getShaders() {
    return super.getShaders({ vs, fs, modules: [project32, picking, roundPointsUniforms] })
  }

  override initializeState() {
    // Per-vertex, not per-instance: each point is one vertex of a single point-list draw.
    this.getAttributeManager()!.add({
      positions: { size: 3, type: 'float64', fp64: this.use64bitPositions(), accessor: 'getPosition' },
      fillColors: { size: 4, type: 'unorm8', accessor: 'getFillColor', defaultValue: [0, 0, 0, 255] },
    })
  }

  override updateState(params: UpdateParameters<this>) {
    super.updateState(params)
    if (params.changeFlags.extensionsChanged) {
      this.state.model?.destroy()
      this.state.model = this._getModel()
      this.getAttributeManager()!.invalidateAll()
    }
  }

  override draw() {
    const model = this.state.model!
    model.shaderInputs.setProps({ roundPoints: { radiusPixels: this.props.radiusPixels } })
    model.setVertexCount(this.getNumInstances())
    model.draw(this.context.renderPass)
  }

  protected _getModel(): Model {
    return new Model(this.context.device, {
      ...this.getShaders(),
      id: this.props.id,
      bufferLayout: this.getAttributeManager()!.getBufferLayouts({ isInstanced: false }),
      topology: 'point-list',
      vertexCount: 0,
      isInstanced: false,
    })
  }
}
