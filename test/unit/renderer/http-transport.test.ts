import { afterEach, describe, expect, it, vi } from 'vitest'
import { httpTransport } from '../../../src-renderer/api/http'

afterEach(() => vi.unstubAllGlobals())

describe('browser-mode transport', () => {
  it('posts the input with the bearer token and returns the reply envelope', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ ok: true, value: [] }), { status: 200 }))
    vi.stubGlobal('fetch', fetch)
    const t = httpTransport('tok123')
    expect(await t.invoke('datasets.list', {})).toEqual({ ok: true, value: [] })
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit]
    expect(url).toBe('/api/invoke/datasets.list')
    expect(init.method).toBe('POST')
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer tok123')
    expect(init.body).toBe('{}')
  })

  it('turns a 401 and an unreachable server into readable errors with hints', async () => {
    vi.stubGlobal('fetch', async () => new Response('{}', { status: 401 }))
    const bad = await httpTransport('x').invoke('app.info', {})
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', hint: expect.stringContaining('#token=') } })

    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch')
    })
    const down = await httpTransport('x').invoke('app.info', {})
    expect(down).toMatchObject({ ok: false, error: { code: 'INTERNAL', hint: expect.stringContaining('embedmap serve') } })
  })

  it('passes engine errors through untouched', async () => {
    const error = { code: 'NOT_FOUND', message: 'No dataset 3', hint: 'Pick one.' }
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ ok: false, error }), { status: 200 }))
    expect(await httpTransport('x').invoke('datasets.get', { id: 3 })).toEqual({ ok: false, error })
  })
})
