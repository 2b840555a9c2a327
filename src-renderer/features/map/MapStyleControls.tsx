import { useState } from 'react'
import { pointRadius } from '../../map/layers'
import type { MapLook } from './useMapLook'

/** Point size and opacity, light/dark theme, the density underlay, and "save view with dataset". */
export function MapStyleControls({ look, n }: { look: MapLook; n: number }) {
  const { appearance } = look
  const [saveState, setSaveState] = useState<'idle' | 'saving' | 'saved' | 'failed'>('idle')
  async function save() {
    setSaveState('saving')
    try {
      await look.saveWithDataset()
      setSaveState('saved')
    } catch {
      setSaveState('failed')
    }
  }
  return (
    <div className="map-style" data-testid="map-style">
      <label className="map-style__field">
        <span className="muted">Size</span>
        <input
          type="range"
          min={0.5}
          max={12}
          step={0.5}
          value={appearance.pointSize ?? pointRadius(n)}
          data-testid="map-point-size"
          onChange={(e) => look.setAppearance({ pointSize: Number(e.target.value) })}
        />
      </label>
      <label className="map-style__field">
        <span className="muted">Opacity</span>
        <input
          type="range"
          min={0.05}
          max={1}
          step={0.05}
          value={appearance.opacity}
          data-testid="map-opacity"
          onChange={(e) => look.setAppearance({ opacity: Number(e.target.value) })}
        />
      </label>
      <label className="map-style__field">
        <input type="checkbox" checked={appearance.density} data-testid="map-density" onChange={(e) => look.setAppearance({ density: e.target.checked })} />
        <span>Density</span>
      </label>
      <button
        type="button"
        className="btn btn--small"
        data-testid="map-theme"
        data-theme={appearance.theme}
        aria-label={`Switch to the ${appearance.theme === 'light' ? 'dark' : 'light'} theme`}
        onClick={() => look.setAppearance({ theme: appearance.theme === 'light' ? 'dark' : 'light' })}
      >
        {appearance.theme === 'light' ? 'Dark' : 'Light'} theme
      </button>
      <button
        type="button"
        className="btn btn--small"
        data-testid="map-save-view"
        data-state={saveState}
        disabled={saveState === 'saving'}
        onClick={() => void save()}
      >
        {saveState === 'saved' ? 'View saved' : saveState === 'failed' ? 'Save failed — retry' : 'Save view with dataset'}
      </button>
    </div>
  )
}
