import type { FinetunePreview } from '../../../src-main/contract'
import { formatInt } from '../../ui/format'

/** What training would use: counts, examples, the held-out split, mined hard negatives with their statistics. */
export function PreviewPanel({ preview }: { preview: FinetunePreview }) {
  const r = preview.report
  const s = preview.negatives?.stats
  return (
    <section className="panel" aria-label="Preview" data-testid="finetune-preview">
      <h3 className="panel__title">Training data</h3>
      <p>{preview.description}</p>
      <ul className="ft-counts">
        <li>
          <b>{formatInt(r.train)}</b> training pairs
        </li>
        <li>
          <b>{formatInt(preview.heldoutQueries)}</b> held-out queries ({formatInt(r.eval)} pairs)
        </li>
        <li>
          <b>{formatInt(r.duplicates)}</b> duplicates removed
        </li>
        <li>
          <b>{formatInt(r.empty)}</b> dropped for an empty side
        </li>
        <li>
          <b>{formatInt(preview.corpusSize)}</b> texts to draw negatives from
        </li>
      </ul>
      <table className="ft-table ft-examples">
        <thead>
          <tr>
            <th>Anchor</th>
            <th>Positive</th>
          </tr>
        </thead>
        <tbody>
          {preview.examples.slice(0, 4).map((e, i) => (
            <tr key={i}>
              <td>{e.anchor}</td>
              <td>{e.positive}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {s && preview.negatives && (
        <div data-testid="finetune-negatives">
          <h4>Mined hard negatives</h4>
          <p className="muted">
            cosine to the anchor: positives mean {s.positive.mean.toFixed(3)} (median {s.positive.median.toFixed(3)}), negatives mean{' '}
            {s.negative.mean.toFixed(3)} (median {s.negative.median.toFixed(3)}); {s.skipped.relativeMargin + s.skipped.absoluteMargin} candidates skipped by
            the margin as likely positives.
          </p>
          <table className="ft-table ft-examples">
            <thead>
              <tr>
                <th>Anchor</th>
                <th>Hard negative</th>
                <th>cos +/−</th>
              </tr>
            </thead>
            <tbody>
              {preview.negatives.examples.slice(0, 3).map((e, i) => (
                <tr key={i}>
                  <td>{e.anchor}</td>
                  <td>{e.negative}</td>
                  <td>
                    {e.positiveScore.toFixed(2)} / {e.negativeScore.toFixed(2)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {preview.negativesNote && <p className="muted">{preview.negativesNote}</p>}
      {preview.warnings.map((w) => (
        <p key={w} className="ft-warn">
          {w}
        </p>
      ))}
    </section>
  )
}
