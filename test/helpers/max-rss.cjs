// Loaded with NODE_OPTIONS=--require by memory tests: each process (the CLI and any worker process it starts)
// appends its peak RSS in KiB to the file named by EMBEDMAP_RSS_LOG when it exits.
const fs = require('node:fs')
process.on('exit', () => {
  try {
    fs.appendFileSync(process.env.EMBEDMAP_RSS_LOG, `${process.pid} ${process.resourceUsage().maxRSS}\n`)
  } catch {
    // no log file: nothing to record
  }
})
