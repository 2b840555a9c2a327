import fs from 'node:fs'
import path from 'node:path'
import onnxProto from 'onnx-proto'
import { describe, expect, it } from 'vitest'
import { EmbedMapError } from '../../../src-main/errors'
import { resolveModelFolder } from '../../../src-main/embed/model-folder'
import { scanOnnx } from '../../../src-main/embed/onnx-scan'
import { runCli } from '../../helpers/cli'
import { writeTinyModel } from '../../helpers/tiny-model'
import { tmpDir } from '../../helpers/tmp'

const { onnx } = onnxProto

/**
 * Issue 9: a model folder could name files outside itself (modules.json `"path": "../x"`, ONNX external data); the
 * ONNX case was stopped only by onnxruntime, with a misleading "download again" hint. Each path is now held inside.
 */
const dir = tmpDir('embedmap-model-containment-')
let n = 0
const freshModel = (opts: Parameters<typeof writeTinyModel>[1] = {}) => writeTinyModel(path.join(dir, `m${n++}`, 'model'), opts)

function refusal(fn: () => unknown): EmbedMapError {
  try {
    fn()
  } catch (err) {
    if (err instanceof EmbedMapError) return err
    throw err
  }
  throw new Error('expected resolveModelFolder to refuse the folder')
}

/** Rewrites the model so that tensor `name` is stored in external data at `location` (its bytes written there when inside). */
function moveToExternal(onnxFile: string, name: string, location: string, writeBytesTo?: string): void {
  const model = onnx.ModelProto.decode(fs.readFileSync(onnxFile))
  const t = model.graph!.initializer!.find((i) => i.name === name)!
  const raw = Buffer.from(t.rawData!)
  if (writeBytesTo) fs.writeFileSync(writeBytesTo, raw)
  t.rawData = new Uint8Array(0)
  t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL
  t.externalData = [
    onnx.StringStringEntryProto.create({ key: 'location', value: location }),
    onnx.StringStringEntryProto.create({ key: 'offset', value: '0' }),
    onnx.StringStringEntryProto.create({ key: 'length', value: String(raw.length) }),
  ]
  fs.writeFileSync(onnxFile, onnx.ModelProto.encode(model).finish())
}

describe('paths a model folder names stay inside it', () => {
  it('refuses a modules.json path that climbs out of the folder, through the real CLI', () => {
    const m = freshModel({ sentenceTransformers: { pooling: 'mean' } })
    fs.mkdirSync(path.join(dir, 'outside-pooling'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'outside-pooling', 'config.json'), JSON.stringify({ pooling_mode_cls_token: true }))
    const modules = JSON.parse(fs.readFileSync(path.join(m.dir, 'modules.json'), 'utf8'))
    modules[1].path = '../../outside-pooling'
    fs.writeFileSync(path.join(m.dir, 'modules.json'), JSON.stringify(modules))
    const r = runCli(['models', 'add', m.dir, '--db', path.join(dir, 'w.sqlite')])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`${path.join(m.dir, 'modules.json')} names the module folder "../../outside-pooling", which is outside the model folder.`)
    expect(r.stderr).not.toMatch(/download/i)
  })

  it('refuses absolute module paths and symbolic links that lead out', () => {
    const m = freshModel({ sentenceTransformers: { pooling: 'mean' } })
    const modulesFile = path.join(m.dir, 'modules.json')
    const modules = JSON.parse(fs.readFileSync(modulesFile, 'utf8'))
    modules[1].path = '/etc'
    fs.writeFileSync(modulesFile, JSON.stringify(modules))
    expect(refusal(() => resolveModelFolder(m.dir)).message).toBe(`${modulesFile} names the module folder "/etc", an absolute path.`)

    modules[1].path = '1_Pooling'
    fs.writeFileSync(modulesFile, JSON.stringify(modules))
    fs.rmSync(path.join(m.dir, '1_Pooling'), { recursive: true })
    fs.mkdirSync(path.join(dir, 'elsewhere'), { recursive: true })
    fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(m.dir, '1_Pooling'))
    const err = refusal(() => resolveModelFolder(m.dir))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.message).toMatch(/names the module folder "1_Pooling", which leads outside the model folder through a symbolic link/)
  })

  it('refuses ONNX external data outside the folder, naming the ONNX file and the location', () => {
    for (const location of ['../../secret.bin', '/tmp/secret.bin']) {
      const m = freshModel()
      moveToExternal(m.onnxFiles.fp32!, 'W', location)
      expect(scanOnnx(m.onnxFiles.fp32!).externalLocations).toEqual([location])
      const err = refusal(() => resolveModelFolder(m.dir))
      expect(err.code).toBe('BAD_INPUT')
      expect(err.message).toMatch(
        new RegExp(
          `^${m.onnxFiles.fp32!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} names external tensor data at "${location.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}", (which is outside the model folder|an absolute path)\\.$`,
        ),
      )
      expect(err.hint).not.toMatch(/download/i)
    }
  })

  it('accepts external data inside the folder and the usual sentence-transformers layout', () => {
    const m = freshModel({ sentenceTransformers: { pooling: 'cls', normalize: true } })
    moveToExternal(m.onnxFiles.fp32!, 'W', 'model.onnx_data', path.join(m.dir, 'model.onnx_data'))
    const resolved = resolveModelFolder(m.dir)
    expect(resolved.pooling).toBe('cls')
    expect(scanOnnx(m.onnxFiles.fp32!).externalLocations).toEqual(['model.onnx_data'])
  })
})
