import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react'

/**
 * Explore mode: while a map is shown it gets the window; the workspace (import, datasets, jobs) and the Embed panel
 * fold into drawers opened from the header, and "full screen" hides the header too. The map reports that it is
 * shown; the app frame and the dataset view read it.
 */
export interface ExploreMode {
  /** A map is on screen. */
  exploring: boolean
  setExploring(on: boolean): void
  /** The workspace drawer (import, datasets, jobs); always open when no map is shown. */
  workspaceOpen: boolean
  setWorkspaceOpen(open: boolean): void
  /** The Embed drawer of the open dataset. */
  embedOpen: boolean
  setEmbedOpen(open: boolean): void
  /** Map only: no header. */
  fullscreen: boolean
  setFullscreen(on: boolean): void
}

const Ctx = createContext<ExploreMode | null>(null)

export function ExploreModeProvider({ children }: { children: ReactNode }) {
  const [exploring, setExploring] = useState(false)
  const [workspaceOpen, setWorkspaceOpen] = useState(false)
  const [embedOpen, setEmbedOpen] = useState(false)
  const [fullscreen, setFullscreen] = useState(false)
  const value = useMemo<ExploreMode>(
    () => ({
      exploring,
      setExploring,
      // Without a map there is nothing to give the room to: the workspace stays in its column.
      workspaceOpen: workspaceOpen || !exploring,
      setWorkspaceOpen,
      embedOpen: embedOpen || !exploring,
      setEmbedOpen,
      fullscreen: fullscreen && exploring,
      setFullscreen,
    }),
    [exploring, workspaceOpen, embedOpen, fullscreen],
  )
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>
}

const OUTSIDE: ExploreMode = {
  exploring: false,
  setExploring: () => {},
  workspaceOpen: true,
  setWorkspaceOpen: () => {},
  embedOpen: true,
  setEmbedOpen: () => {},
  fullscreen: false,
  setFullscreen: () => {},
}

export function useExploreMode(): ExploreMode {
  return useContext(Ctx) ?? OUTSIDE
}

/** Marks explore mode on while the calling component (the map) is mounted. */
export function useExploring(): void {
  const { setExploring } = useExploreMode()
  useEffect(() => {
    setExploring(true)
    return () => setExploring(false)
  }, [setExploring])
}
