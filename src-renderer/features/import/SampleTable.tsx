import type { Column } from '../../../src-main/contract'

/** The preview's first rows: a plain table (a handful of rows needs no virtualization). */
export function SampleTable({ columns, rows, textColumn }: { columns: Column[]; rows: string[][]; textColumn: number }) {
  return (
    <div className="sample-table-wrap">
      <table className="sample-table" data-testid="preview-sample">
        <thead>
          <tr>
            <th className="num">#</th>
            {columns.map((c) => (
              <th key={c.idx} className={c.idx === textColumn ? 'is-text' : undefined}>
                {c.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td className="num">{i + 1}</td>
              {columns.map((c) => (
                <td key={c.idx} className={c.idx === textColumn ? 'is-text' : undefined} title={r[c.idx]}>
                  {r[c.idx] ?? ''}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
