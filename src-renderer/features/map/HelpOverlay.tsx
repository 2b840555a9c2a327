import { SHORTCUT_HELP } from '../../map/shortcuts'

/** The keyboard shortcuts, over the map (opened with ?, closed with Esc, ? or the button). */
export function HelpOverlay({ onClose }: { onClose(): void }) {
  return (
    <div className="map-help" role="dialog" aria-label="Keyboard shortcuts" data-testid="map-help">
      <header className="map-help__head">
        <h3 className="panel__title">Keyboard shortcuts</h3>
        <button type="button" className="btn btn--small" data-testid="map-help-close" onClick={onClose}>
          Close
        </button>
      </header>
      <dl className="map-help__list">
        {SHORTCUT_HELP.map((s) => (
          <div key={s.keys} className="map-help__item">
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.does}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">Drag to pan, wheel or pinch to zoom. Shift-drag with the lasso or box adds, Alt removes.</p>
    </div>
  )
}
