import type { Command } from 'commander'
import { parseChannelInput, type Job } from '../../contract'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, formatCount, table } from '../output'
import { waitForJob } from '../progress'

function describe(j: Job): (string | number)[] {
  const progress = j.total ? `${formatCount(j.done)}/${formatCount(j.total)}` : formatCount(j.done)
  return [j.id, j.title, j.state, progress, j.error ? j.error.message : '']
}

export function registerJobs(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('list background jobs (subcommands: cancel, resume)')
    .option('--active', 'only queued, running or interrupted jobs')
    .action(async (flags: { active?: boolean }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const list = await client.call('jobs.list', { activeOnly: !!flags.active })
        emit(globals, list, () => {
          if (list.length === 0) return 'No jobs.'
          const out = table(['id', 'job', 'state', 'progress', 'error'], list.map(describe))
          const resumable = list.filter((j) => j.state === 'interrupted')
          return resumable.length ? `${out}\n\nResume an interrupted job with \`embedmap jobs resume ID\`.` : out
        })
      })
    })

  jobs
    .command('cancel')
    .description('cancel a job; its partial output is removed')
    .argument('<id>', 'job id')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const job = await client.call('jobs.cancel', { id: Number(id) })
        emit(globals, job, () => `Job ${job.id} (${job.title}): ${job.state === 'running' ? 'cancel requested' : job.state}.`)
      })
    })

  jobs
    .command('resume')
    .description('resume an interrupted job from its last checkpoint and wait for it')
    .argument('<id>', 'job id')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const input = parseChannelInput('jobs.resume', { id: Number(id) })
        await client.call('jobs.resume', input)
        const finished = await waitForJob(client, input.id, !globals.json, `Job ${input.id} stopped ({state}); resume it again to continue.`)
        const view = finished
        emit(globals, view, () => `Job ${view.id} (${view.title}): ${view.state}, ${formatCount(view.done)} done.`)
      })
    })
}
