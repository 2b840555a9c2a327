import type { RetrievalMetricsView } from '../../../src-main/contract'

const METRICS = [
  ['ndcg10', 'nDCG@10'],
  ['recall10', 'recall@10'],
  ['mrr10', 'MRR@10'],
] as const

/** Held-out retrieval metrics of the base and the fine-tuned model, with the change. */
export function BeforeAfterTable({ before, after }: { before: RetrievalMetricsView | null; after: RetrievalMetricsView | null }) {
  return (
    <table className="ft-table" data-testid="finetune-before-after">
      <thead>
        <tr>
          <th>Held-out ({before?.queries ?? after?.queries ?? 0} queries)</th>
          <th>Base</th>
          <th>Fine-tuned</th>
          <th>Change</th>
        </tr>
      </thead>
      <tbody>
        {METRICS.map(([k, label]) => {
          const d = before && after ? after[k] - before[k] : null
          return (
            <tr key={k}>
              <td>{label}</td>
              <td>{before ? before[k].toFixed(4) : '—'}</td>
              <td>{after ? after[k].toFixed(4) : '—'}</td>
              <td className={d === null ? '' : d >= 0 ? 'ft-up' : 'ft-down'}>{d === null ? '' : `${d >= 0 ? '+' : ''}${d.toFixed(4)}`}</td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
