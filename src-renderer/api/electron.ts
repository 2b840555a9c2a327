import type { EmbedMapBridge } from '../../src-main/contract/bridge'
import type { Transport } from './types'

declare global {
  interface Window {
    /** Exposed by Electron's preload; absent in browser mode. */
    embedmap?: EmbedMapBridge
  }
}

export function electronTransport(bridge: EmbedMapBridge): Transport {
  return {
    mode: 'electron',
    invoke: (channel, input) => bridge.invoke(channel, input),
    onEvent: (listener) => bridge.onEvent(listener),
    onConnectionChange: (listener) => {
      listener(true)
      return () => {}
    },
    files: { kind: 'native', pick: () => bridge.pickFile(), pickFolder: () => bridge.pickFolder() },
  }
}
