// `npm run bench -- <name> [args]`: runs one benchmark and writes its results to bench/results/.
const benches: Record<string, () => Promise<{ main(args: string[]): Promise<void> }>> = {
  import: () => import('./import'),
  embed: () => import('./embed'),
  analyze: () => import('./analyze'),
  map: () => import('./map'),
  'map-floor': () => import('./map-floor'),
  'map-first-frame': () => import('./map-first-frame'),
  finetune: () => import('./finetune'),
  pipeline: () => import('./pipeline'),
  eval: () => import('./eval'),
}

const [benchName, ...args] = process.argv.slice(2)
if (!benchName || !benches[benchName]) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`)
  process.exit(2)
}
await (await benches[benchName]()).main(args)
export {}
