import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { afterAll, describe, expect, it } from 'vitest'
import { dashboardUrl, RayJobsClient } from '../../../src-main/embed/ray/ray-jobs'
import { finishedShards, shardName, writeInputShard } from '../../../src-main/embed/ray/shards'
import { storedZip } from '../../../src-main/embed/ray/stored-zip'
import { freePort } from '../../helpers/infinity-server'
import { tmpDir } from '../../helpers/tmp'

const dir = tmpDir()

describe('Ray address', () => {
  it('takes host:port, a URL or a ray:// client address, and refuses nonsense', () => {
    expect(dashboardUrl('127.0.0.1:8265')).toBe('http://127.0.0.1:8265')
    expect(dashboardUrl('head-node')).toBe('http://head-node:8265')
    expect(dashboardUrl('https://ray.example.org/')).toBe('https://ray.example.org')
    expect(dashboardUrl('ray://10.1.2.3:10001')).toBe('http://10.1.2.3:8265')
    expect(() => dashboardUrl('  ')).toThrow(/no Ray address/)
    expect(() => dashboardUrl('http://[bad')).toThrow(/is not a Ray address/)
  })
})

describe('Ray Jobs client errors', () => {
  const servers: http.Server[] = []
  afterAll(() => servers.forEach((s) => s.close()))

  it('a closed port: connection refused, with what to do', async () => {
    const port = await freePort()
    const err = await new RayJobsClient(`127.0.0.1:${port}`).version().catch((e) => e)
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toBe(`No Ray cluster answers at http://127.0.0.1:${port}: connection refused.`)
    expect(err.hint).toMatch(/ray start --head/)
  })

  it('a web server that is not a Ray dashboard is named as such', async () => {
    const port = await freePort()
    const s = http.createServer((req, res) => {
      if (req.url === '/api/version') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>')
      else res.writeHead(404).end('no')
    })
    servers.push(s)
    await new Promise<void>((r) => s.listen(port, '127.0.0.1', r))
    const err = await new RayJobsClient(`http://127.0.0.1:${port}`).version().catch((e) => e)
    expect(err.message).toMatch(/answered \/api\/version with something other than JSON/)
    expect(err.hint).toMatch(/Ray dashboard/)
  })
})

describe('job files', () => {
  it('the working_dir zip is a valid archive that unzip reads back byte for byte', () => {
    const script = Buffer.from('print("hello from ray")\n')
    const zip = path.join(dir, 'pkg.zip')
    fs.writeFileSync(
      zip,
      storedZip([
        { name: 'entry.py', data: script },
        { name: 'sub/b.txt', data: Buffer.from('b') },
      ]),
    )
    expect(execFileSync('unzip', ['-t', zip], { encoding: 'utf8' })).toMatch(/No errors detected/)
    expect(execFileSync('unzip', ['-p', zip, 'entry.py'])).toEqual(script)
    // Same files, same bytes: the package hash (its name on the cluster) is stable across runs.
    expect(storedZip([{ name: 'entry.py', data: script }])).toEqual(storedZip([{ name: 'entry.py', data: script }]))
  })

  it('input shards are named by row range, hold idx + text, and are not rewritten', async () => {
    const inDir = path.join(dir, 'in')
    fs.mkdirSync(inDir)
    const rows = [
      { idx: 10, text: 'first' },
      { idx: 12, text: '' },
      { idx: 19, text: 'naïve — ünïcode 文字' },
    ]
    const ref = writeInputShard(inDir, rows)
    expect(ref).toMatchObject({ name: shardName(10, 19), rows: 3, first: 10, last: 19 })
    expect(path.basename(ref.input)).toBe('rows-0000000010-0000000019.parquet')
    const read = await parquetReadObjects({ file: await asyncBufferFromFile(ref.input) })
    expect(read.map((r) => [Number(r.idx), r.text])).toEqual(rows.map((r) => [r.idx, r.text]))
    const mtime = fs.statSync(ref.input).mtimeMs
    writeInputShard(inDir, rows)
    expect(fs.statSync(ref.input).mtimeMs).toBe(mtime)
    expect(fs.readdirSync(inDir)).toEqual(['rows-0000000010-0000000019.parquet']) // no temporary file left
  })

  it('only whole vector shards count as finished (the job writes a temporary name, then renames)', () => {
    const outDir = path.join(dir, 'out')
    fs.mkdirSync(outDir)
    fs.writeFileSync(path.join(outDir, 'rows-0000000000-0000000009.vectors.parquet'), '')
    fs.writeFileSync(path.join(outDir, 'rows-0000000010-0000000019.vectors.parquet.tmp-123'), '')
    expect(finishedShards(outDir)).toEqual(['rows-0000000000-0000000009'])
    expect(finishedShards(path.join(dir, 'nope'))).toEqual([])
  })
})
