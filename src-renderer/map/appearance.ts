/** How points are drawn, separate from what they mean (colour mode): size, opacity, theme, density underlay. */
export type Theme = 'light' | 'dark'

export interface MapAppearance {
  /** Point radius in px; null = automatic from the point count (map/layers.ts pointRadius). */
  pointSize: number | null
  /** 0–1, multiplies each point's own alpha. */
  opacity: number
  theme: Theme
  density: boolean
}

export const DEFAULT_APPEARANCE: MapAppearance = { pointSize: null, opacity: 0.85, theme: 'light', density: false }

type Rgba = [number, number, number, number]

/** deck.gl colours per theme (CSS variables cannot reach WebGL). */
export interface DeckTheme {
  label: Rgba
  labelBackground: Rgba
  /** Filtered-out points: greyed and nearly transparent, still drawn. */
  dimmed: Rgba
  highlight: Rgba
  selection: Rgba
  /** Density ramp end colour; alpha grows with density. */
  density: [number, number, number]
}

export const DECK_THEMES: Record<Theme, DeckTheme> = {
  light: {
    label: [29, 35, 48, 255],
    labelBackground: [255, 255, 255, 215],
    dimmed: [190, 194, 202, 40],
    highlight: [29, 35, 48, 255],
    selection: [29, 35, 48, 255],
    density: [47, 111, 222],
  },
  dark: {
    label: [236, 239, 244, 255],
    labelBackground: [24, 28, 36, 215],
    dimmed: [90, 96, 108, 45],
    highlight: [255, 255, 255, 255],
    selection: [255, 255, 255, 255],
    density: [120, 180, 255],
  },
}
