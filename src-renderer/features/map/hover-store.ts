import { useSyncExternalStore } from 'react'

export interface HoverPoint {
  row: number
  x: number
  y: number
}

/**
 * The hovered point, outside React state: the canvas writes it and only the tooltip subscribes, so moving the
 * pointer over the map re-renders the tooltip alone, not the map view with all its panels.
 */
export interface HoverStore {
  get(): HoverPoint | null
  set(p: HoverPoint | null): void
  subscribe(listener: () => void): () => void
}

export function createHoverStore(): HoverStore {
  let value: HoverPoint | null = null
  const listeners = new Set<() => void>()
  return {
    get: () => value,
    set(p) {
      if (p === value || (p && value && p.row === value.row && p.x === value.x && p.y === value.y)) return
      value = p
      for (const l of listeners) l()
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

export function useHoverPoint(store: HoverStore): HoverPoint | null {
  return useSyncExternalStore(store.subscribe, store.get)
}
