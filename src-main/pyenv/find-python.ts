/**
 * Finds a Python interpreter ≥ 3.10: the one the user names, else EMBEDMAP_PYTHON, else the usual names on
 * PATH (newest first). Each candidate is asked for its own version, so shims and symlinks are judged by what
 * they run.
 */
import { EmbedMapError } from '../errors'
import { runCommand } from './run-command'

export const MIN_PYTHON: readonly [number, number] = [3, 10]

export interface PythonInfo {
  /** What was run (a name on PATH or a path). */
  command: string
  /** sys.executable: the real interpreter. */
  executable: string
  version: string
  major: number
  minor: number
  /** `venv` and `ensurepip` import: a virtual environment with pip can be made. */
  hasVenv: boolean
  hasEnsurepip: boolean
}

// Imports venv and ensurepip for real: Debian without python3-venv ships a Python whose ensurepip fails to import.
const PROBE = [
  'import sys, json',
  'def can(m):',
  '    try:',
  '        __import__(m)',
  '        return True',
  '    except Exception:',
  '        return False',
  'print(json.dumps({"executable": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3], "major": sys.version_info[0], "minor": sys.version_info[1], "hasVenv": can("venv"), "hasEnsurepip": can("ensurepip")}))',
].join('\n')

/** What one interpreter says about itself; undefined when it cannot be run. */
export async function probePython(command: string): Promise<PythonInfo | undefined> {
  try {
    const r = await runCommand(command, ['-c', PROBE], { timeoutMs: 20_000 })
    if (r.code !== 0) return undefined
    const line = r.stdout.trim().split(/\r?\n/).pop() ?? ''
    return { command, ...(JSON.parse(line) as Omit<PythonInfo, 'command'>) }
  } catch {
    return undefined
  }
}

export function isRecentEnough(p: Pick<PythonInfo, 'major' | 'minor'>): boolean {
  return p.major > MIN_PYTHON[0] || (p.major === MIN_PYTHON[0] && p.minor >= MIN_PYTHON[1])
}

export function pythonCandidates(): string[] {
  const names = ['python3.14', 'python3.13', 'python3.12', 'python3.11', 'python3.10', 'python3', 'python']
  if (process.platform === 'win32') names.push('py')
  return names
}

const INSTALL_HINT =
  process.platform === 'darwin'
    ? 'install Python 3.12 (`brew install python@3.12` or python.org), or point EmbedMap at one with --python PATH'
    : process.platform === 'win32'
      ? 'install Python 3.12 from python.org (tick "Add python.exe to PATH"), or point EmbedMap at one with --python PATH'
      : "install Python 3.12 (`sudo apt install python3 python3-venv`, or your distribution's package), or point EmbedMap at one with --python PATH"

/**
 * The newest usable interpreter. `interpreter` (user-given) is the only one tried when set.
 * Throws NOT_FOUND (none runs) or BAD_INPUT (all too old), with the fix.
 */
export async function findPython(opts: { interpreter?: string; candidates?: string[] } = {}): Promise<PythonInfo> {
  const given = opts.interpreter ?? process.env.EMBEDMAP_PYTHON
  const tried = given ? [given] : (opts.candidates ?? pythonCandidates())
  const found: PythonInfo[] = []
  const seen = new Set<string>()
  for (const c of tried) {
    const info = await probePython(c)
    if (!info || seen.has(info.executable)) continue
    seen.add(info.executable)
    found.push(info)
  }
  if (found.length === 0) {
    throw new EmbedMapError(
      'NOT_FOUND',
      given ? `the Python interpreter ${given} cannot be run` : `no Python found on PATH (tried ${tried.join(', ')})`,
      given ? `check the path, or ${INSTALL_HINT}` : INSTALL_HINT,
      { reason: 'PYTHON_NOT_FOUND', tried },
    )
  }
  const ok = found.filter(isRecentEnough).sort((a, b) => b.major - a.major || b.minor - a.minor)
  if (ok.length === 0) {
    const list = found.map((f) => `${f.executable} (${f.version})`).join(', ')
    throw new EmbedMapError('BAD_INPUT', `Python ${MIN_PYTHON.join('.')} or newer is needed for fine-tuning; found only ${list}`, INSTALL_HINT, {
      reason: 'PYTHON_TOO_OLD',
      found: found.map((f) => ({ executable: f.executable, version: f.version })),
    })
  }
  return ok[0]
}
