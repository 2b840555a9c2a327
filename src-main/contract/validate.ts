import { EmbedMapError } from '../errors'
import { channels, isChannelName, type ChannelName, type ChannelParsedInput } from './channels'

/** Parses a front door's raw input with the channel's schema; the engine never sees unchecked data. */
export function parseChannelInput<C extends ChannelName>(channel: C, raw: unknown): ChannelParsedInput<C> {
  const result = channels[channel].input.safeParse(raw ?? {})
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`)
    throw new EmbedMapError('BAD_INPUT', `Invalid input for ${channel}: ${problems.join('; ')}.`, undefined, { channel, problems })
  }
  return result.data as ChannelParsedInput<C>
}

export function requireChannel(name: unknown): ChannelName {
  if (!isChannelName(name)) throw new EmbedMapError('NOT_FOUND', `Unknown channel '${String(name)}'.`)
  return name
}
