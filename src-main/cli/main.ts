import { Command, CommanderError } from 'commander'
import { appVersion } from '../engine/version'
import { registerAnalyze } from './commands/analyze'
import { registerDatasets } from './commands/datasets'
import { registerEmbed } from './commands/embed'
import { registerEval } from './commands/eval'
import { registerExport } from './commands/export'
import { registerFinetune } from './commands/finetune'
import { registerGpu } from './commands/gpu'
import { registerModels } from './commands/models'
import { registerSimilarity } from './commands/similarity'
import { registerImport } from './commands/import'
import { registerJobs } from './commands/jobs'
import { registerRows } from './commands/rows'
import { registerRun } from './commands/run'
import { registerServe } from './commands/serve'
import { registerTranslations } from './commands/translations'

const program = new Command()
program
  .name('embedmap')
  .description('EmbedMap: import text data, embed it locally, and explore it as a map.')
  .version(appVersion())
  .option('--db <path>', 'workspace database (default: $EMBEDMAP_DB or the user data folder)')
  .option('--json', 'machine-readable output on stdout')
  .showHelpAfterError()
  .exitOverride()

registerImport(program)
registerDatasets(program)
registerRows(program)
registerJobs(program)
registerModels(program)
registerEmbed(program)
registerSimilarity(program)
registerAnalyze(program)
registerExport(program)
registerRun(program)
registerGpu(program)
registerServe(program)
registerEval(program)
registerFinetune(program)
registerTranslations(program)

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    // Usage errors were already printed by commander; --help and --version exit 0.
    process.exitCode = err.exitCode === 0 ? 0 : 2
  } else {
    throw err
  }
}
