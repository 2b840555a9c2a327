import { parentPort } from 'node:worker_threads'
import { serializeError } from '../errors'
import { createTextRecordReader } from './read-records'
import { packRecords, type ReaderReply, type ReaderRequest } from './reader-protocol'
import type { ParsedRecord } from './types'

/**
 * Worker side of reader-off-thread.ts: reads one text file with the ordinary reader and posts its batches, at
 * most AHEAD of them ahead of the import that writes them (each 'more' from the parent allows one more). A batch
 * is held back until the next one exists, so the last batch goes out with `last` and the reader's final counts.
 */
const AHEAD = 2

let credits = AHEAD
let wake: (() => void) | null = null

parentPort!.on('message', (m: ReaderRequest) => {
  if (m.type === 'more') {
    credits++
    wake?.()
    wake = null
    return
  }
  void read(m)
})

async function read(req: Extract<ReaderRequest, { type: 'start' }>): Promise<void> {
  const reader = createTextRecordReader(req.source, req.options)
  const post = async (records: ParsedRecord[], last: boolean) => {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve))
    credits--
    const packed = packRecords(records)
    const reply: ReaderReply = {
      type: 'batch',
      records: packed,
      last,
      columns: reader.columns,
      ragged: reader.ragged,
      recordsRead: reader.recordsRead,
      bytesRead: reader.bytesRead,
      estimate: reader.estimateTotalRows(),
    }
    parentPort!.postMessage(reply, [packed.lines.buffer as ArrayBuffer, packed.widths.buffer as ArrayBuffer])
  }
  let held: ParsedRecord[] | null = null
  try {
    for await (const batch of reader.batches(undefined, req.batchSize)) {
      if (held) await post(held, false)
      held = batch
    }
    await post(held ?? [], true)
  } catch (err) {
    if (held) await post(held, false)
    parentPort!.postMessage({ type: 'error', error: serializeError(err) } satisfies ReaderReply)
  }
}
