import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../../src-main/server'
import { FakeEngine } from './fake-engine'
import { json, request } from './http-helpers'

/**
 * Issue 9: 100 slow-loris sockets stayed open for 60 s. Headers, API bodies and silent sockets now have deadlines;
 * an upload may take as long as it needs while it keeps sending. Short deadlines here keep the test fast.
 */
let dir: string
let server: RunningServer
let engine: FakeEngine

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedmap-timeouts-'))
  fs.mkdirSync(path.join(dir, 'renderer'))
  fs.writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html>')
  engine = new FakeEngine(dir)
  server = await startServer({
    engine,
    rendererDir: path.join(dir, 'renderer'),
    timeouts: { headersMs: 600, apiBodyMs: 600, idleMs: 1000, keepAliveMs: 500 },
  })
})

afterAll(async () => {
  await server?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A raw socket that writes `first`, then `drip` every `everyMs`; resolves with what it read and when it was closed. */
function dribble(first: string, drip: string, everyMs: number): Promise<{ closedAfterMs: number; reply: string }> {
  const t0 = Date.now()
  return new Promise((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1')
    let reply = ''
    const timer = setInterval(() => {
      if (drip && !socket.destroyed) socket.write(drip)
    }, everyMs)
    socket.on('connect', () => first && socket.write(first))
    socket.on('data', (d) => (reply += d.toString()))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ closedAfterMs: Date.now() - t0, reply })
    })
  })
}

const info = () => request(server.port, { method: 'POST', path: '/api/invoke/app.info', headers: { Authorization: `Bearer ${server.token}` }, body: '{}' })

describe('server deadlines', () => {
  it('closes 50 slow-loris sockets that never finish their headers, and keeps answering meanwhile', async () => {
    const head = `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`
    const sockets = Array.from({ length: 50 }, () => dribble(head, 'X-a: b\r\n', 100))
    await sleep(200)
    expect((await info()).status).toBe(200)
    const results = await Promise.all(sockets)
    for (const r of results) expect(r.closedAfterMs).toBeLessThan(3_000)
  })

  it('gives an API body that trickles in 408 after its deadline', async () => {
    const head =
      `POST /api/invoke/app.info HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`
    const r = await dribble(head, ' ', 100)
    expect(r.reply).toMatch(/^HTTP\/1.1 408/)
    expect(r.closedAfterMs).toBeLessThan(3_000)
  })

  it('closes a socket that connects and says nothing', async () => {
    const r = await dribble('', '', 1000)
    expect(r.closedAfterMs).toBeLessThan(3_000)
  })

  it('lets an upload run past the API deadline while it keeps sending, and drops one that stalls', async () => {
    const head = (n: number) =>
      `POST /api/upload?name=slow.csv HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${server.token}\r\nContent-Length: ${n}\r\n\r\n`
    // 16 bytes, one every 100 ms: 1.6 s in all, well past the 0.6 s API deadline and the 1 s idle one.
    const socket = net.connect(server.port, '127.0.0.1')
    let reply = ''
    socket.on('data', (d) => (reply += d.toString()))
    await new Promise((r) => socket.once('connect', r))
    socket.write(head(16))
    for (let i = 0; i < 16; i++) {
      await sleep(100)
      socket.write('x')
    }
    await new Promise((r) => socket.once('close', r).once('end', r))
    expect(reply).toMatch(/^HTTP\/1.1 200/)
    const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))
    expect(body.ok).toBe(true)
    expect(body.value.bytes).toBe(16)

    const stalled = await dribble(head(1000) + 'abc', '', 10_000)
    expect(stalled.closedAfterMs).toBeLessThan(3_000)
    // The partial file of the stalled upload is removed.
    await sleep(200)
    const left = fs.readdirSync(engine.uploadsDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.csv'))
    expect(left).toEqual([expect.stringMatching(/slow\.csv$/)])
    expect(json(await info()).ok).toBe(true)
  })
})
