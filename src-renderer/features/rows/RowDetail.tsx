import type { Column, Row } from '../../../src-main/contract'
import { formatInt } from '../../ui/format'

/** The selected row in full: long texts are cut off in the grid, here they wrap. */
export function RowDetail({ row, columns, textColumn, onClose }: { row: Row; columns: Column[]; textColumn: number; onClose(): void }) {
  return (
    <aside className="row-detail" data-testid="row-detail" aria-label={`Row ${row.idx + 1}`}>
      <header className="row-detail__head">
        <strong>Row {formatInt(row.idx + 1)}</strong>
        <span className="muted">line {formatInt(row.line)}</span>
        {row.ragged && <span className="badge badge--warn">field count differs from header</span>}
        {row.emptyText && <span className="badge badge--warn">empty text</span>}
        <button type="button" className="btn btn--ghost btn--small" onClick={onClose} aria-label="Close row details">
          ×
        </button>
      </header>
      <dl className="row-detail__fields">
        {columns.map((c) => (
          <div key={c.idx} className={c.idx === textColumn ? 'is-text' : undefined}>
            <dt>{c.name}</dt>
            <dd>{(c.idx === textColumn ? row.text : row.cells[c.idx]) || <span className="muted">(empty)</span>}</dd>
          </div>
        ))}
      </dl>
    </aside>
  )
}
