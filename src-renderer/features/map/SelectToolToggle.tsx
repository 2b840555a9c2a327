import type { SelectTool } from './SelectionOverlay'

const TOOLS: { tool: SelectTool; label: string; key: string }[] = [
  { tool: 'pan', label: 'Pan', key: 'V' },
  { tool: 'lasso', label: 'Lasso', key: 'L' },
  { tool: 'box', label: 'Box', key: 'B' },
]

/** Pan, lasso or box: what a drag on the map does. */
export function SelectToolToggle({ value, onChange }: { value: SelectTool; onChange(tool: SelectTool): void }) {
  return (
    <div className="segmented map-tools" role="group" aria-label="Drag on the map to" data-testid="map-tools" data-tool={value}>
      {TOOLS.map(({ tool, label, key }) => (
        <button
          key={tool}
          type="button"
          className={`btn btn--small${value === tool ? ' btn--primary' : ''}`}
          aria-pressed={value === tool}
          aria-keyshortcuts={key}
          title={`${label} (${key})`}
          data-testid={`map-tool-${tool}`}
          onClick={() => onChange(tool)}
        >
          {label}
        </button>
      ))}
    </div>
  )
}
