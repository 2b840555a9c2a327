import { useCallback, useEffect, useRef, useState } from 'react'
import type { ChannelInput, ChannelName, ChannelOutput, EngineEvent } from '../../src-main/contract'
import { invoke, onConnectionChange, onEvent } from './client'
import { ApiError, toApiError } from './errors'

/** Subscribes to engine events for the component's lifetime; the latest listener is always the one called. */
export function useEngineEvent(listener: (event: EngineEvent) => void): void {
  const ref = useRef(listener)
  ref.current = listener
  useEffect(() => onEvent((e) => ref.current(e)), [])
}

export function useConnected(): boolean {
  const [connected, setConnected] = useState(true)
  useEffect(() => onConnectionChange(setConnected), [])
  return connected
}

export interface QueryState<T> {
  value: T | undefined
  error: ApiError | undefined
  loading: boolean
  reload(): void
}

/**
 * Calls a channel when `key` changes (pass null to skip) and on `reload()`. Answers to superseded calls are dropped,
 * and the last value stays on screen while a reload runs, so lists do not flash.
 */
export function useQuery<C extends ChannelName>(channel: C, input: ChannelInput<C> | null, key: string): QueryState<ChannelOutput<C>> {
  const [value, setValue] = useState<ChannelOutput<C>>()
  const [error, setError] = useState<ApiError>()
  const [loading, setLoading] = useState(input !== null)
  const [nonce, setNonce] = useState(0)
  const inputRef = useRef(input)
  inputRef.current = input

  useEffect(() => {
    const current = inputRef.current
    if (current === null) {
      setLoading(false)
      return
    }
    let live = true
    setLoading(true)
    invoke(channel, current).then(
      (v) => {
        if (!live) return
        setValue(v)
        setError(undefined)
        setLoading(false)
      },
      (err) => {
        if (!live) return
        setError(toApiError(err))
        setLoading(false)
      },
    )
    return () => {
      live = false
    }
  }, [channel, key, nonce])

  const reload = useCallback(() => setNonce((n) => n + 1), [])
  return { value, error, loading, reload }
}

/** Calls `fn` every `ms` while `ms` is not null. */
export function usePoll(fn: () => void, ms: number | null): void {
  const ref = useRef(fn)
  ref.current = fn
  useEffect(() => {
    if (ms === null) return
    const t = setInterval(() => ref.current(), ms)
    return () => clearInterval(t)
  }, [ms])
}
