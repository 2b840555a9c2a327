/** Asks an environment's Python what it can do: package versions, and which torch devices it sees. */
import { EmbedMapError } from '../errors'
import { FINETUNE_MODULES, FINETUNE_PACKAGES } from './packages'
import { runCommand, tail } from './run-command'

export interface EnvReport {
  python: string
  pythonVersion: string
  /** module → version ('' when it has none). */
  versions: Record<string, string>
  missing: string[]
  torch?: { version: string; cuda: boolean; cudaVersion: string | null; gpus: string[]; mps: boolean }
  /** Devices training may use, best first. */
  devices: Array<'cuda' | 'mps' | 'cpu'>
}

const SCRIPT = (modules: readonly string[]) => `
import importlib, json, sys
mods = ${JSON.stringify(modules)}
out = {"python": sys.executable, "pythonVersion": "%d.%d.%d" % sys.version_info[:3], "versions": {}, "missing": []}
for m in mods:
    try:
        mod = importlib.import_module(m)
        out["versions"][m] = str(getattr(mod, "__version__", ""))
    except Exception as e:
        out["missing"].append(m)
if "torch" in out["versions"]:
    import torch
    cuda = torch.cuda.is_available()
    mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    out["torch"] = {"version": torch.__version__, "cuda": cuda, "cudaVersion": torch.version.cuda,
                    "gpus": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())] if cuda else [], "mps": mps}
print(json.dumps(out))
`

/** Imports `modules` in the environment's Python and reports; never throws for a missing module (see requireModules). */
export async function inspectEnv(python: string, modules: readonly string[] = FINETUNE_MODULES, signal?: AbortSignal): Promise<EnvReport> {
  let r
  try {
    r = await runCommand(python, ['-c', SCRIPT(modules)], { signal, env: { ...process.env, PYTHONNOUSERSITE: '1' } })
  } catch (err) {
    if (err instanceof EmbedMapError) throw err
    throw new EmbedMapError(
      'NOT_FOUND',
      `cannot run ${python}: ${(err as Error).message}`,
      'point EmbedMap at the python of an existing environment, or let it create one',
      {
        reason: 'PYTHON_NOT_FOUND',
      },
    )
  }
  if (r.code !== 0)
    throw new EmbedMapError('BAD_INPUT', `${python} failed while checking its packages:\n${tail(r.stderr)}`, 'the environment may be broken: recreate it', {
      reason: 'ENV_BROKEN',
    })
  const report = JSON.parse(r.stdout.trim().split(/\r?\n/).pop() ?? '{}') as Omit<EnvReport, 'devices'>
  const devices: EnvReport['devices'] = []
  if (report.torch?.cuda) devices.push('cuda')
  if (report.torch?.mps) devices.push('mps')
  devices.push('cpu')
  return { ...report, devices }
}

/** inspectEnv, then a clear error naming what is missing and how to add it. */
export async function verifyEnv(python: string, modules: readonly string[] = FINETUNE_MODULES, signal?: AbortSignal): Promise<EnvReport> {
  const report = await inspectEnv(python, modules, signal)
  if (report.missing.length > 0) {
    const pins = report.missing.flatMap((m) => FINETUNE_PACKAGES.filter((p) => p.startsWith(m.replace(/_/g, '-') + '==')).slice(0, 1))
    throw new EmbedMapError(
      'BAD_INPUT',
      `the Python environment at ${report.python} lacks ${report.missing.join(', ')}${report.missing.includes('torch') ? ' (PyTorch is needed to train)' : ''}`,
      pins.length
        ? `install them: \`${report.python} -m pip install ${pins.map((p) => `"${p}"`).join(' ')}\`, or let EmbedMap create its own environment`
        : `install them with \`${report.python} -m pip install …\`, or let EmbedMap create its own environment`,
      { reason: 'ENV_MISSING_PACKAGES', missing: report.missing, python: report.python },
    )
  }
  return report
}
