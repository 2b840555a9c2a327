import { useQuery } from '../../api/hooks'
import { ErrorMessage } from '../../ui/ErrorMessage'

const short = (t: string) => (t.length > 220 ? `${t.slice(0, 219)}…` : t)

/** One query opened: its text, the documents judged relevant, and each model's top hits (relevant ones marked). */
export function QueryDetail({ runIds, queryId }: { runIds: number[]; queryId: string }) {
  const q = useQuery('eval.query', { runIds, queryId }, `${runIds.join(',')}:${queryId}`)
  if (q.error) return <ErrorMessage error={q.error} title="Could not open the query" />
  if (!q.value) return <p className="muted">Loading…</p>
  const d = q.value
  return (
    <div className="eval-query-detail" data-testid="eval-query-detail">
      <h4>Query</h4>
      <p data-testid="eval-query-text">{d.text}</p>
      <h4>Relevant ({d.relevant.length})</h4>
      <ul>
        {d.relevant.map((r) => (
          <li key={r.docId} className="eval-doc eval-doc--relevant">
            {short(r.text)}
          </li>
        ))}
      </ul>
      <div className="eval-query-detail__hits">
        {d.hits.map((h) => (
          <div key={h.runId}>
            <h4>
              {h.modelId} · nDCG@10 {h.ndcg10 === null ? '—' : h.ndcg10.toFixed(2)}
            </h4>
            <ol>
              {h.docs.slice(0, 5).map((doc) => (
                <li key={doc.docId} className={doc.grade > 0 ? 'eval-doc eval-doc--relevant' : 'eval-doc'} data-testid="eval-hit">
                  {doc.grade > 0 && <span className="badge">relevant</span>} {short(doc.text)}
                </li>
              ))}
            </ol>
          </div>
        ))}
      </div>
    </div>
  )
}
