import type { Command } from 'commander'
import { parseChannelInput } from '../../contract'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, formatCount, table, truncate } from '../output'

export function registerRows(program: Command): void {
  program
    .command('rows')
    .description("print a dataset's rows")
    .argument('<dataset>', 'dataset id')
    .option('--offset <n>', 'first row (0-based)', '0')
    .option('--limit <n>', 'how many rows (max 5000)', '20')
    .option('--query <text>', 'only rows whose text contains this')
    .action(async (dataset: string, flags: { offset: string; limit: string; query?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const input = parseChannelInput('datasets.rows', { id: Number(dataset), offset: Number(flags.offset), limit: Number(flags.limit), query: flags.query })
        const d = await client.call('datasets.get', { id: input.id })
        const page = await client.call('datasets.rows', input)
        emit(globals, page, () =>
          [
            table(
              ['row', 'line', ...d.columns.map((c) => (c.idx === d.textColumn ? `${c.name} *` : c.name))],
              page.rows.map((r) => [r.idx, r.line, ...r.cells.map((c) => truncate(c, 60))]),
            ),
            `${formatCount(page.rows.length)} of ${formatCount(page.total)} rows (* text column)`,
          ].join('\n'),
        )
      })
    })
}
