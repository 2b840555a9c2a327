export type SidebarTab = 'search' | 'selection' | 'clusters' | 'anomalies' | 'translations' | 'run'

const TABS: { tab: SidebarTab; label: string; title?: string }[] = [
  { tab: 'search', label: 'Search' },
  { tab: 'selection', label: 'Selection' },
  { tab: 'clusters', label: 'Clusters' },
  { tab: 'anomalies', label: 'Anomalies' },
  // Short: six labels share the 356 px dock (in DejaVu Sans "Translations" alone took a quarter of it).
  { tab: 'translations', label: 'Pairs', title: 'Translation pairs: how close the model puts each row and its translation' },
  { tab: 'run', label: 'Run' },
]

/** The side panel's tabs (a WAI-ARIA tablist); `badges` adds a count to a tab, e.g. the selection's size. */
export function SidebarTabs({ value, onChange, badges }: { value: SidebarTab; onChange(tab: SidebarTab): void; badges: Partial<Record<SidebarTab, string>> }) {
  return (
    <div className="map-tabs" role="tablist" aria-label="Map tools">
      {TABS.map(({ tab, label, title }) => (
        <button
          key={tab}
          type="button"
          role="tab"
          id={`map-tab-${tab}`}
          aria-selected={value === tab}
          aria-controls={`map-tabpanel-${tab}`}
          className={`map-tabs__tab${value === tab ? ' is-active' : ''}`}
          data-testid={`map-tab-${tab}`}
          title={title ?? label}
          onClick={() => onChange(tab)}
        >
          {label}
          {badges[tab] && <span className="map-tabs__badge">{badges[tab]}</span>}
        </button>
      ))}
    </div>
  )
}
