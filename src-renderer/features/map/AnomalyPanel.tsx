import { useMemo } from 'react'
import { useQuery } from '../../api/hooks'
import { scoreHistogram } from '../../map/anomaly-threshold'
import { formatInt } from '../../ui/format'
import { ExportRows } from './ExportRows'
import { FlaggedRowsList } from './FlaggedRowsList'

/** Flagged rows listed with their reasons (the export has them all). */
const LISTED = 50
/** Where the calibrated score puts the 99th percentile (src-main/analyze/anomaly.ts CALIBRATED_KNEE). */
const KNEE = 0.8
const AXIS_H = 14

const BINS = 40
const PLOT_W = 260
const PLOT_H = 70

/**
 * Anomaly scores: their histogram (log-scaled counts, since ordinary rows dwarf the tail), a threshold slider that
 * flags every row at or above it (live count, flagged points emphasised on the map), and export of the flagged rows.
 */
export function AnomalyPanel({
  datasetId,
  runId,
  scores,
  threshold,
  flagged,
  method,
  onThreshold,
  flaggedRows,
  onOpen,
}: {
  datasetId: number
  runId: number
  scores: Float32Array
  threshold: number
  flagged: number
  method: string | undefined
  onThreshold(t: number): void
  flaggedRows(): number[]
  onOpen(row: number): void
}) {
  const summary = useQuery('analysis.summary', { datasetId, runId, top: LISTED }, `${datasetId}:${runId}:anomalies`)
  const hist = useMemo(() => scoreHistogram(scores, BINS), [scores])
  const maxLog = Math.log1p(Math.max(1, ...hist))
  const barW = PLOT_W / BINS
  return (
    <div className="map-anomaly" data-testid="anomaly-panel">
      <p className="muted">
        Scores{method ? ` (${method})` : ''}: distances scaled to 0–1, gaps kept: {KNEE} = the 99th percentile, the rarest 1 % above it. Rows at or above the
        threshold are flagged.
      </p>
      <svg
        className="map-anomaly__hist"
        viewBox={`0 0 ${PLOT_W} ${PLOT_H + AXIS_H}`}
        role="img"
        aria-label="Histogram of anomaly scores"
        data-testid="anomaly-histogram"
      >
        {Array.from(hist, (count, b) => {
          const h = (Math.log1p(count) / maxLog) * (PLOT_H - 2)
          const flaggedBin = (b + 1) / BINS > threshold
          return (
            <rect key={b} x={b * barW + 0.5} y={PLOT_H - h} width={barW - 1} height={h} className={flaggedBin ? 'is-flagged' : undefined}>
              <title>{`${(b / BINS).toFixed(2)}–${((b + 1) / BINS).toFixed(2)}: ${count} rows`}</title>
            </rect>
          )
        })}
        <line x1={threshold * PLOT_W} x2={threshold * PLOT_W} y1={0} y2={PLOT_H} className="map-anomaly__cut" />
        <line x1={0} x2={PLOT_W} y1={PLOT_H + 0.5} y2={PLOT_H + 0.5} className="map-anomaly__axis" />
        {[0, 0.25, 0.5, KNEE, 1].map((t) => (
          <text key={t} x={Math.min(PLOT_W - 8, Math.max(4, t * PLOT_W))} y={PLOT_H + AXIS_H - 2} className="map-anomaly__tick" textAnchor="middle">
            {t === KNEE ? 'p99' : String(t)}
          </text>
        ))}
      </svg>
      <label className="map-anomaly__slider">
        <span>Threshold</span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.005}
          value={threshold}
          onChange={(e) => onThreshold(Number(e.target.value))}
          data-testid="anomaly-threshold"
          aria-valuetext={`${threshold.toFixed(3)}, ${flagged} rows flagged`}
        />
        <output data-testid="anomaly-threshold-value">{threshold.toFixed(3)}</output>
      </label>
      <p>
        <strong data-testid="anomaly-flagged" data-count={flagged}>
          {formatInt(flagged)} flagged
        </strong>{' '}
        <span className="muted">of {formatInt(scores.length)}</span>
      </p>
      <ExportRows datasetId={datasetId} runId={runId} rows={flaggedRows} base="anomalies" label="Export flagged rows" testId="anomaly-export" />
      {summary.value && (
        <>
          <h4 className="map-anomaly__list-title">Why they stand out{flagged > LISTED ? ` (the ${LISTED} most unusual)` : ''}</h4>
          <FlaggedRowsList datasetId={datasetId} anomalies={summary.value.anomalies} threshold={threshold} onOpen={onOpen} />
        </>
      )}
    </div>
  )
}
