import { describe, expect, it } from 'vitest'
import { drawnRadius, hoveredPointLayer, pointRadius, pointsData, pointsLayer, POINTS_LAYER_ID } from '../../../src-renderer/map/layers'
import { RoundPointsLayer } from '../../../src-renderer/map/round-points-layer'
import { DECK_THEMES, DEFAULT_APPEARANCE } from '../../../src-renderer/map/appearance'
import type { DecodedPoints } from '../../../src-renderer/map/decode'

const points = { n: 3, coords: new Float32Array([0, 0, 1, 1, 2, 2]) } as DecodedPoints
const colors = new Uint8Array(12).fill(200)

describe('points layer', () => {
  it('draws GL_POINTS from the binary attributes as they are (the test hook reads getFillColor back)', () => {
    const data = pointsData(points, colors)
    const layer = pointsLayer(data, { ...DEFAULT_APPEARANCE, opacity: 0.5 })
    expect(layer).toBeInstanceOf(RoundPointsLayer)
    expect(layer.id).toBe(POINTS_LAYER_ID)
    expect(layer.props.data).toBe(data)
    expect(data.attributes.getFillColor.value).toBe(colors)
    expect(layer.props.radiusPixels).toBe(pointRadius(3))
    expect(layer.props.opacity).toBe(0.5)
    expect(layer.props.pickable).toBe(false)
  })

  it('uses the chosen point size, never below half a pixel', () => {
    expect(drawnRadius(1_000_000, { ...DEFAULT_APPEARANCE, pointSize: 6 })).toBe(6)
    expect(drawnRadius(1_000_000, { ...DEFAULT_APPEARANCE, pointSize: 0.1 })).toBe(0.5)
    expect(drawnRadius(1_000_000, DEFAULT_APPEARANCE)).toBe(pointRadius(1_000_000))
  })

  it('redraws the hovered row alone, on top, in the theme highlight colour', () => {
    const layer = hoveredPointLayer(points.coords, 2, 3, 'dark')
    const data = layer.props.data as unknown as { length: number; attributes: { getPosition: { value: Float32Array } } }
    expect(data.length).toBe(1)
    expect([...data.attributes.getPosition.value]).toEqual([2, 2])
    expect(layer.props.getFillColor).toEqual(DECK_THEMES.dark.highlight)
    expect(layer.props.radiusPixels).toBe(4)
  })
})
