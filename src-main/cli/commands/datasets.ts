import type { Command } from 'commander'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, formatCount, table, truncate } from '../output'

export function registerDatasets(program: Command): void {
  const datasets = program
    .command('datasets')
    .description('list datasets (subcommands: show, delete)')
    .action(async (_flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const list = await client.call('datasets.list', {})
        emit(globals, list, () =>
          list.length === 0
            ? 'No datasets yet. Import one with `embedmap import FILE.csv`.'
            : table(
                ['id', 'name', 'rows', 'status', 'text column', 'created'],
                list.map((d) => [d.id, truncate(d.name, 40), formatCount(d.rowCount), d.status, d.columns[d.textColumn]?.name ?? '', d.createdAt]),
              ),
        )
      })
    })

  datasets
    .command('show')
    .description('show one dataset: columns, types and import report')
    .argument('<id>', 'dataset id')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const d = await client.call('datasets.get', { id: Number(id) })
        emit(globals, d, () =>
          [
            `dataset ${d.id}: ${d.name} (${formatCount(d.rowCount)} rows, ${d.status})`,
            `source: ${d.sourcePath} (${d.format}, ${d.encoding})`,
            table(
              ['#', 'column', 'type', 'median length', ''],
              d.columns.map((c) => [c.idx, c.name, c.type, c.medianLength, c.idx === d.textColumn ? 'text' : '']),
            ),
            ...(d.importReport?.warnings ?? []).map((w) => `note: ${w}`),
          ].join('\n'),
        )
      })
    })

  datasets
    .command('delete')
    .description('delete a dataset and everything computed from it')
    .argument('<id>', 'dataset id')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const r = await client.call('datasets.delete', { id: Number(id) })
        emit(globals, r, () => (r.deleted ? `Deleted dataset ${id}.` : `There was no dataset ${id}.`))
        if (!r.deleted) process.exitCode = 3
      })
    })
}
