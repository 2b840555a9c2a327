/** `value` in 0..1, or null for an indeterminate bar (the total is not known yet). */
export function ProgressBar({ value, label, testId }: { value: number | null; label?: string; testId?: string }) {
  const pct = value === null ? null : Math.max(0, Math.min(1, value)) * 100
  return (
    <div
      className={`progress${pct === null ? ' progress--indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct === null ? undefined : Math.round(pct)}
      data-testid={testId}
    >
      <div className="progress__fill" style={pct === null ? undefined : { width: `${pct}%` }} />
    </div>
  )
}
