import { CLI_CALLER, parseChannelInput, type ChannelInput, type ChannelName, type ChannelOutput, type EngineEvent } from '../contract'
import type { EngineApi } from '../engine/api'

/**
 * All a CLI command may do with the engine: call a contract channel (its input parsed with the channel's schema,
 * exactly as the app's doors do) and listen to events. Commands never reach into the engine's services.
 */
export interface CliClient {
  /** Flags arrive as strings from argv; the channel's schema, not a TypeScript type, is what checks them. */
  call<C extends ChannelName>(channel: C, input: ChannelInput<C> | Record<string, unknown>): Promise<ChannelOutput<C>>
  subscribe(listener: (event: EngineEvent) => void): () => void
}

export function cliClient(engine: EngineApi): CliClient {
  return {
    call: (channel, input) => engine.invoke(channel, parseChannelInput(channel, input), CLI_CALLER),
    subscribe: (listener) => engine.subscribe(listener),
  }
}
