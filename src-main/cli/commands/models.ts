import type { Command } from 'commander'
import { jobResult, parseChannelInput } from '../../contract'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, table } from '../output'
import { waitForJob } from '../progress'
import { registerRecommend } from './recommend'

function mb(bytes: number | null): string {
  return bytes ? `${Math.round(bytes / 1e6)} MB` : ''
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('embedding models: list, pull (download), add a local folder, remove, recommend')
  registerRecommend(models)

  models
    .command('list', { isDefault: true })
    .description('the catalog and your local models, with what is downloaded')
    .option('--dataset <id>', 'mark the models that suit this dataset’s language')
    .action(async (flags: { dataset?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const input = parseChannelInput('models.list', { datasetId: flags.dataset === undefined ? undefined : Number(flags.dataset) })
        const r = await client.call('models.list', input)
        emit(globals, r, () =>
          [
            table(
              ['id', 'source', 'dims', 'size', 'languages', 'licence', 'status'],
              r.models.map((m) => [
                `${m.id}${m.isDefault ? ' (default)' : ''}${m.recommended ? ' *' : ''}`,
                m.source,
                m.dims ?? '',
                mb(m.sizeBytes),
                m.languages.slice(0, 4).join(',') + (m.languages.length > 4 ? ',…' : ''),
                m.license ?? '',
                m.downloaded ? 'ready' : 'not downloaded',
              ]),
            ),
            r.datasetLanguage ? `\n* suits the dataset's language (${r.datasetLanguage})` : '',
            '\nDownload one with `embedmap models pull ID`; add your own folder with `embedmap models add DIR`.',
          ].join(''),
        )
      })
    })

  const pull = async (id: string, flags: { variant?: string }, cmd: Command) => {
    const globals = cmd.optsWithGlobals() as GlobalOptions
    await withEngine(globals, async (client) => {
      const { jobId } = await client.call('models.pull', { id, variant: flags.variant })
      const finished = await waitForJob(client, jobId, !globals.json, `The download of ${id} did not finish ({state}); run the same command to resume it.`)
      const result = jobResult('model-download', finished)
      emit(globals, result, () => `Model ${id} is ready in ${result.dir}.`)
    })
  }
  for (const name of ['pull', 'download']) {
    models
      .command(name)
      .description(name === 'pull' ? 'download a catalog model (resumes a partial download)' : 'same as pull')
      .argument('<id>', 'catalog model id')
      .option('--variant <fp32|int8|fp16>', 'which ONNX file (default: the catalog’s choice)')
      .action(pull)
  }

  models
    .command('add')
    .description('use a local Hugging Face-style folder (model.onnx + tokenizer.json)')
    .argument('<dir>', 'the folder')
    .option('--name <name>', 'id to use for it (default: the folder name)')
    .action(async (dir: string, flags: { name?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const m = await client.call('models.add', { path: dir, name: flags.name })
        emit(globals, m, () => `Added model ${m.id} (${m.path}). Use it with \`embedmap embed --dataset ID --model ${m.id}\`.`)
      })
    })

  models
    .command('remove')
    .description('forget a local model (its folder stays) or delete a downloaded catalog model')
    .argument('<id>', 'model id')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const r = await client.call('models.remove', { id })
        emit(globals, r, () => (r.removed ? `Removed ${id}.` : `${id} was not downloaded; nothing to remove.`))
      })
    })
}
