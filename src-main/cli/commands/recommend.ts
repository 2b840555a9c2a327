/**
 * `embedmap models recommend --dataset ID`: which model for this data, measured. The engine detects the languages,
 * picks the task and candidates, and starts the evaluation when results are missing; this waits for it and asks again.
 */
import type { Command } from 'commander'
import { metricName, parseChannelInput, type Recommendation } from '../../contract'
import type { CliClient } from '../client'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, table } from '../output'
import { waitForJob } from '../progress'

interface Flags {
  dataset: string
  task?: string
  columns?: string
  model: string[]
  device: string
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`

function describe(r: Recommendation): string {
  const langs = r.languages.shares.map((s) => `${s.language} ${pct(s.share)}`).join(', ')
  const main = r.ranking[0]?.mainMetric
  return [
    `languages: ${langs || 'no text'} → ${r.languages.main ?? 'unknown'}`,
    `task: ${r.taskReason}`,
    ...r.candidates.map((c) => `candidate ${c.modelId}: ${c.why}`),
    '',
    table(
      ['model', main ? metricName(main) : 'score', 'texts/s', 'dims', 'size'],
      r.ranking.map((x) => [
        `${x.modelId}${x.lexical ? ' (keyword baseline)' : ''}${x.modelId === r.recommended ? ' *' : ''}`,
        x.mainScore.toFixed(4),
        x.costs.sentencesPerSecond ? x.costs.sentencesPerSecond.toFixed(0) : '',
        x.dims ?? '',
        x.costs.sizeBytes ? `${Math.round(x.costs.sizeBytes / 1e6)} MB` : '',
      ]),
    ),
    '',
    r.reason ?? 'No model could be ranked.',
    ...r.suggestions.map((s) => `also consider ${s.modelId}: ${s.why}`),
  ].join('\n')
}

async function recommend(client: CliClient, flags: Flags, globals: GlobalOptions): Promise<void> {
  const input = parseChannelInput('models.recommend', {
    datasetId: Number(flags.dataset),
    task: flags.task,
    columns: flags.columns?.split(',').map((c) => c.trim()),
    models: flags.model.length ? flags.model : undefined,
    device: flags.device,
  })
  let r = await client.call('models.recommend', input)
  if (r.jobId !== null) {
    await waitForJob(client, r.jobId, !globals.json, 'The evaluation stopped ({state}); finished models are stored: run the same command to continue.')
    r = await client.call('models.recommend', input)
  }
  emit(globals, r, () => describe(r))
}

export function registerRecommend(models: Command): void {
  models
    .command('recommend')
    .description('which model suits a dataset, measured on it (languages, task, quality, speed, size)')
    .requiredOption('--dataset <id>', 'the dataset')
    .option('--task <kind>', 'retrieval | sts | pairs | clustering | classification | bitext (default: from the dataset’s columns)')
    .option('--columns <cols>', "the task's columns, comma-separated: text,label · a,b,label|score · query,document · source,target")
    .option('--model <id|dir>', 'a candidate (repeatable; default: the present models that suit the languages)', (v: string, p: string[]) => [...p, v], [])
    .option('--device <auto|cpu|cuda|dml|coreml>', 'where to run the models', 'auto')
    .action(async (flags: Flags, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, (client) => recommend(client, flags, globals))
    })
}
