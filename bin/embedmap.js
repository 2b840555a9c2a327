#!/usr/bin/env node
// The `embedmap` command. The engine is TypeScript; tsx compiles it on the fly (and caches it), so the
// CLI, the browser-mode server and the tests all run the very sources that Electron bundles.
import { register } from 'tsx/esm/api'

register()
await import('../src-main/cli/main.ts')
