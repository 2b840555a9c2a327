import { useId } from 'react'
import { cssColor } from '../../map/colors'
import { ALIGNED_LINK, MISALIGNED_LINK } from '../../map/translation-layers'
import { ErrorMessage } from '../../ui/ErrorMessage'
import { JobProgress } from '../jobs/JobProgress'
import { isActive } from '../jobs/job-format'
import type { Translations } from './useTranslations'

// A no-break space: "4.0 %" must not wrap between the number and its sign.
const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(1)}\u00a0%`)

/**
 * How well the map's model aligns a row with its translation: pick the column that holds the translations, link them
 * (a job embeds them with the map's model), then read the bitext accuracy both ways and see the links on the map.
 */
export function TranslationsPanel({ t }: { t: Translations }) {
  const pickId = useId()
  const running = t.job !== null && isActive(t.job)
  if (t.candidates.length === 0)
    return (
      <div className="map-translations muted" data-testid="translations-panel" data-state="none">
        This dataset has no other text column. A dataset with a sentence and its translation in two columns (for example English and Chinese) shows here how
        close the map&apos;s model puts each row to its translation.
      </div>
    )
  const h = t.links?.header
  const src = h?.textColumnName ?? 'text'
  const tgt = h?.columnName ?? 'translation'
  return (
    <div className="map-translations" data-testid="translations-panel" data-state={t.links ? 'linked' : running ? 'running' : 'idle'}>
      <div className="map-translations__pick">
        <label htmlFor={pickId}>Translations in</label>
        <select
          id={pickId}
          className="select select--small"
          value={t.column ?? ''}
          data-testid="translations-column"
          onChange={(e) => t.setColumn(Number(e.target.value))}
        >
          {t.candidates.map((c) => (
            <option key={c.idx} value={c.idx}>
              {c.name}
            </option>
          ))}
        </select>
        <button type="button" className="btn btn--small btn--primary" data-testid="translations-start" disabled={running} onClick={() => void t.start()}>
          {t.links ? 'Link again' : 'Link translations'}
        </button>
      </div>
      {t.job && (running || t.job.state === 'interrupted') && <JobProgress job={t.job} />}
      {t.error && <ErrorMessage error={t.error} title="Could not link the translations" />}
      {h && t.links && (
        <>
          <p className="map-translations__figure">
            <strong data-testid="translations-accuracy" data-value={h.metrics.accuracy}>
              {pct(h.metrics.accuracy)}
            </strong>{' '}
            of the {src} rows have their own translation as nearest neighbour ({src} → {tgt});{' '}
            <strong data-testid="translations-reverse-accuracy" data-value={h.metrics.reverse_accuracy}>
              {pct(h.metrics.reverse_accuracy)}
            </strong>{' '}
            the other way ({tgt} → {src}).
          </p>
          <p className="muted" data-testid="translations-median-link" data-value={h.medianLink}>
            Median link: {pct(h.medianLink)} of the map&apos;s diagonal · {h.pairs.toLocaleString('en-US')} pairs
            {h.sampled ? ` (an even sample of ${h.rows.toLocaleString('en-US')} rows)` : ''} · {h.modelId}
          </p>
          <ul className="map-translations__key">
            <li>
              <span className="map-translations__line" style={{ background: cssColor([ALIGNED_LINK[0], ALIGNED_LINK[1], ALIGNED_LINK[2]]) }} />
              its translation&apos;s nearest row is itself
            </li>
            <li>
              <span className="map-translations__line" style={{ background: cssColor([MISALIGNED_LINK[0], MISALIGNED_LINK[1], MISALIGNED_LINK[2]]) }} />
              another row is nearer
            </li>
            <li>
              <span className="map-translations__ring" /> a translation, placed among the rows nearest to it
            </li>
          </ul>
          <label className="map-translations__show">
            <input type="checkbox" checked={t.visible} data-testid="translations-visible" onChange={(e) => t.setVisible(e.target.checked)} /> Show the links on
            the map (hover a row to see its translation)
          </label>
          <p className="muted">Good alignment: short green links. A model that does not know one of the languages leaves long orange ones.</p>
        </>
      )}
      {!t.links && !running && !t.error && (
        <p className="muted">
          Embeds each row&apos;s translation with this map&apos;s model, places it on the map next to the rows it is most similar to, and links it to its own
          row.
        </p>
      )}
    </div>
  )
}
