// Loads a TypeScript worker entry through tsx. Used when the engine runs from source (CLI, server,
// tests); the Electron build bundles the worker to plain JavaScript and does not need this.
import { register } from 'tsx/esm/api'
import { workerData } from 'node:worker_threads'

register()
await import(workerData.__entry)
