import type { ColorMode } from '../../map/colors'

const MODES: { mode: ColorMode; label: string }[] = [
  { mode: 'cluster', label: 'Cluster' },
  { mode: 'anomaly', label: 'Anomaly score' },
]

export function ColorModeToggle({ value, onChange }: { value: ColorMode; onChange(mode: ColorMode): void }) {
  return (
    <div className="segmented" role="group" aria-label="Colour points by" data-testid="map-color-mode" data-mode={value}>
      <span className="muted">Colour by</span>
      {MODES.map(({ mode, label }) => (
        <button
          key={mode}
          type="button"
          className={`btn btn--small${value === mode ? ' btn--primary' : ''}`}
          aria-pressed={value === mode}
          data-testid={`map-color-${mode}`}
          onClick={() => onChange(mode)}
        >
          {label}
        </button>
      ))}
    </div>
  )
}
