/**
 * The managed Python environment on real interpreters: this machine's Pythons (pyenv has 3.9 and 3.11),
 * a real 3.11 whose ensurepip cannot be imported (what Debian without python3-venv looks like), a real
 * install of one tiny pinned package from PyPI into a temp venv, an unreachable index, and the test venv
 * (torch + sentence-transformers) used as an existing environment.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EmbedMapError } from '../../../src-main/errors'
import { createEnv, ENV_STAMP, ensureManagedEnv, findPython, type InstallProgress, useExistingEnv, verifyEnv } from '../../../src-main/pyenv'
import { tmpDir } from '../../helpers/tmp'

const PYENV = path.join(os.homedir(), '.pyenv', 'versions')
const PY39 = path.join(PYENV, '3.9.18', 'bin', 'python3')
const PY311 = path.join(PYENV, '3.11.7', 'bin', 'python3')
const TEST_VENV = process.env.EMBEDMAP_VENV ?? path.join(os.homedir(), '.cache', 'embedmap-venv')
const TINY = ['six==1.17.0']
// Real venv creation, pip and torch imports: seconds on an idle machine, minutes on a loaded shared one.

async function rejection(p: Promise<unknown>): Promise<EmbedMapError> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(EmbedMapError)
    return err as EmbedMapError
  }
  throw new Error('expected a rejection')
}

/** A real Python 3.11 whose ensurepip import fails, as on Debian without python3-venv. */
function pythonWithoutEnsurepip(dir: string): string {
  const site = path.join(dir, 'no-ensurepip')
  fs.mkdirSync(site, { recursive: true })
  fs.writeFileSync(path.join(site, 'sitecustomize.py'), "import sys\nsys.modules['ensurepip'] = None\n")
  const wrapper = path.join(dir, 'python-no-venv')
  fs.writeFileSync(wrapper, `#!/bin/sh\nPYTHONPATH=${site} exec ${PY311} "$@"\n`, { mode: 0o755 })
  return wrapper
}

describe('findPython', () => {
  it('finds the newest Python ≥ 3.10 on PATH and reports venv support', async () => {
    const py = await findPython()
    expect(py.major).toBe(3)
    expect(py.minor).toBeGreaterThanOrEqual(10)
    expect(fs.existsSync(py.executable)).toBe(true)
    expect(py.hasVenv).toBe(true)
  })

  it('says how to install Python when none can be run', async () => {
    const err = await rejection(findPython({ candidates: ['/nonexistent/python3', 'no-such-python-9.9'] }))
    expect(err.code).toBe('NOT_FOUND')
    expect(err.details?.reason).toBe('PYTHON_NOT_FOUND')
    expect(err.message).toMatch(/no Python found/)
    expect(err.hint).toMatch(/install Python 3\.12/)
    const given = await rejection(findPython({ interpreter: '/nonexistent/python3' }))
    expect(given.message).toMatch(/\/nonexistent\/python3 cannot be run/)
  })

  it('refuses a Python older than 3.10, naming it and the fix', async () => {
    expect(fs.existsSync(PY39)).toBe(true)
    const err = await rejection(findPython({ interpreter: PY39 }))
    expect(err.code).toBe('BAD_INPUT')
    expect(err.details?.reason).toBe('PYTHON_TOO_OLD')
    expect(err.message).toMatch(/3\.10 or newer.*3\.9\.18/)
  })
})

describe('createEnv / ensureManagedEnv', () => {
  it('refuses a Python without venv support before writing anything', async () => {
    const dir = tmpDir('embedmap-pyenv-')
    const py = await findPython({ interpreter: pythonWithoutEnsurepip(dir) })
    expect(py.hasEnsurepip).toBe(false)
    const envDir = path.join(dir, 'env')
    const err = await rejection(createEnv({ python: py, envDir, packages: TINY, installer: 'pip' }))
    expect(err.details?.reason).toBe('PYTHON_NO_VENV')
    expect(err.message).toMatch(/cannot create virtual environments: its ensurepip module is missing/)
    expect(err.hint).toMatch(/python3\.11-venv/)
    expect(fs.existsSync(envDir)).toBe(false)
  })

  it('installs a pinned package set with progress, verifies it, and reuses it', async () => {
    const envDir = path.join(tmpDir('embedmap-pyenv-'), 'env')
    const progress: InstallProgress[] = []
    const env = await ensureManagedEnv({ envDir, packages: TINY, modules: ['six'], installer: 'pip', onProgress: (p) => progress.push(p) })
    expect(env.managed).toBe(true)
    expect(env.report.versions.six).toBe('1.17.0')
    expect(env.report.missing).toEqual([])
    const phases = progress.map((p) => p.phase)
    for (const phase of ['create', 'resolve', 'install', 'verify', 'done'] as const) expect(phases).toContain(phase)
    expect(progress.filter((p) => p.phase === 'resolve').map((p) => p.message)).toContainEqual(expect.stringMatching(/^Collecting six==1\.17\.0/))
    const stamp = JSON.parse(fs.readFileSync(path.join(envDir, ENV_STAMP), 'utf8'))
    expect(stamp.packages).toEqual(TINY)
    // Second call: the stamp matches, nothing is installed again.
    const again: InstallProgress[] = []
    const env2 = await ensureManagedEnv({ envDir, packages: TINY, modules: ['six'], onProgress: (p) => again.push(p) })
    expect(env2.python).toBe(env.python)
    expect(again).toEqual([])
    // The tiny env has no torch: verifying it for fine-tuning says so, with the pinned install command.
    const err = await rejection(verifyEnv(env.python))
    expect(err.details?.reason).toBe('ENV_MISSING_PACKAGES')
    expect(err.message).toMatch(/lacks torch, .*sentence_transformers.*\(PyTorch is needed to train\)/)
    expect(err.hint).toMatch(/pip install "torch==2\.15\.0"/)
  }, 300_000)

  it('a failed install (unreachable index) is a clear error and leaves no environment', async () => {
    const envDir = path.join(tmpDir('embedmap-pyenv-'), 'env')
    const err = await rejection(
      ensureManagedEnv({ envDir, packages: TINY, modules: ['six'], installer: 'pip', indexUrl: 'http://127.0.0.1:9/simple', retries: 0 }),
    )
    expect(err.details?.reason).toBe('INSTALL_FAILED')
    expect(err.message).toMatch(/installing the fine-tune packages failed \(pip exited with 1\)/)
    expect(err.message).toMatch(/six==1\.17\.0/)
    expect(err.hint).toMatch(/http:\/\/127\.0\.0\.1:9\/simple is a reachable package index/)
    expect(fs.existsSync(envDir)).toBe(false)
  }, 300_000)
})

describe('useExistingEnv', () => {
  it('verifies the test venv: torch, sentence-transformers, accelerate, devices', async () => {
    const env = await useExistingEnv(TEST_VENV)
    expect(env.managed).toBe(false)
    expect(env.report.versions.torch).toMatch(/^2\.15\.0/)
    expect(env.report.versions.sentence_transformers).toBe('6.2.0')
    expect(env.report.versions.accelerate).toBe('1.16.0')
    expect(env.report.devices).toContain('cpu')
    expect(env.report.torch?.version).toMatch(/^2\.15\.0/)
  }, 180_000)

  it('a folder that does not exist is NOT_FOUND', async () => {
    const err = await rejection(useExistingEnv('/nonexistent/env'))
    expect(err.code).toBe('NOT_FOUND')
  })
})
