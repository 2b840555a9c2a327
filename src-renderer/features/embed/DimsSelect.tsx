/** Matryoshka models can be cut to fewer dimensions (re-normalized): smaller and faster, a little less precise. */
export function DimsSelect({ full, options, value, onChange }: { full: number; options: number[]; value: number | null; onChange(dims: number | null): void }) {
  const smaller = [...new Set(options)].filter((d) => d < full).sort((a, b) => b - a)
  return (
    <label className="field">
      <span className="field__label">Dimensions</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)} data-testid="dims-select">
        <option value="">{full} (full)</option>
        {smaller.map((d) => (
          <option key={d} value={d}>
            {d}
          </option>
        ))}
      </select>
      <span className="field__note">Fewer dimensions: smaller and faster to search, slightly less precise.</span>
    </label>
  )
}
