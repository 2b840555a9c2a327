import type { Command } from 'commander'
import { jobResult, parseChannelInput } from '../../contract'
import { EmbedMapError } from '../../errors'
import { withEngine, type GlobalOptions } from '../engine-session'
import { emit, table } from '../output'
import { waitForJob } from '../progress'
import { registerRecommend } from './recommend'

function mb(bytes: number | null): string {
  return bytes ? `${Math.round(bytes / 1e6)} MB` : ''
}

export function registerModels(program: Command): void {
  const models = program.command('models').description('embedding models: list, pull (download), add a local folder, remove, recommend')
  registerRecommend(models)

  models
    .command('list', { isDefault: true })
    .description('the catalog and your local models, with what is downloaded')
    .option('--dataset <id>', 'mark the models that suit this dataset’s language')
    .action(async (flags: { dataset?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const input = parseChannelInput('models.list', { datasetId: flags.dataset === undefined ? undefined : Number(flags.dataset) })
        const r = await client.call('models.list', input)
        emit(globals, r, () =>
          [
            table(
              ['id', 'source', 'dims', 'size', 'languages', 'licence', 'status'],
              r.models.map((m) => [
                `${m.id}${m.isDefault ? ' (default)' : ''}${m.recommended ? ' *' : ''}`,
                m.source,
                m.dims ?? '',
                mb(m.sizeBytes),
                m.languages.slice(0, 4).join(',') + (m.languages.length > 4 ? ',…' : ''),
                m.license ?? '',
                m.downloaded ? 'ready' : 'not downloaded',
              ]),
            ),
            r.datasetLanguage ? `\n* suits the dataset's language (${r.datasetLanguage})` : '',
            '\nDownload one with `embedmap models pull ID`; add your own folder with `embedmap models add DIR`.',
          ].join(''),
        )
      })
    })

  const pull = async (id: string, flags: { variant?: string; trainingWeights?: boolean }, cmd: Command) => {
    const globals = cmd.optsWithGlobals() as GlobalOptions
    await withEngine(globals, async (client) => {
      const training = flags.trainingWeights === true
      if (training && flags.variant) throw new EmbedMapError('BAD_INPUT', '--variant names an ONNX file; --training-weights downloads the PyTorch weights.')
      const { jobId } = await client.call('models.pull', { id, variant: flags.variant, ...(training ? { training } : {}) })
      const what = training ? `${id}'s training weights` : id
      const finished = await waitForJob(client, jobId, !globals.json, `The download of ${what} did not finish ({state}); run the same command to resume it.`)
      const result = jobResult('model-download', finished)
      emit(globals, result, () =>
        result.training
          ? `Training weights of ${id} (from ${result.training.repo}) are ready in ${result.dir}; \`embedmap finetune --method full --model ${id} …\` uses them.`
          : `Model ${id} is ready in ${result.dir}.`,
      )
    })
  }
  for (const name of ['pull', 'download']) {
    models
      .command(name)
      .description(name === 'pull' ? 'download a catalog model (resumes a partial download)' : 'same as pull')
      .argument('<id>', 'catalog model id')
      .option('--variant <fp32|int8|fp16>', 'which ONNX file (default: the catalog’s choice)')
      .option('--training-weights', 'the PyTorch weights (safetensors + config) a full fine-tune needs, from the model’s source repository')
      .action(pull)
  }

  models
    .command('add')
    .description('use a local Hugging Face-style folder (model.onnx + tokenizer.json)')
    .argument('<dir>', 'the folder')
    .option('--name <name>', 'id to use for it (default: the folder name)')
    .action(async (dir: string, flags: { name?: string }, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const m = await client.call('models.add', { path: dir, name: flags.name })
        emit(globals, m, () => `Added model ${m.id} (${m.path}). Use it with \`embedmap embed --dataset ID --model ${m.id}\`.`)
      })
    })

  models
    .command('add-remote')
    .description('use an OpenAI-compatible embedding server (TEI, vLLM, Infinity, Ollama, OpenAI…): POST {url}/embeddings')
    .requiredOption('--url <url>', 'API base, e.g. http://127.0.0.1:7997/v1')
    .requiredOption('--model <name>', 'the model name the server knows')
    .option('--name <id>', 'id to use for it here (default: the model name)')
    .option('--api-key-env <VAR>', 'environment variable that holds the API key (the key itself is never stored)')
    .option('--dims <n>', 'vector size the server must return (default: learned from a probe request)')
    .option('--max-batch <n>', 'most texts per request', '256')
    .option('--max-batch-tokens <n>', 'most tokens per request (characters / 4)', '32768')
    .option('--concurrency <n>', 'requests in flight at once', '4')
    .option('--rpm <n>', 'most requests per minute (the server’s rate limit)')
    .option('--timeout <seconds>', 'time limit of one request', '60')
    .option('--retries <n>', 'tries after the first for a request that may pass later (network, 429, 5xx)', '6')
    .option('--query-prefix <text>', 'put in front of search queries (e.g. "query: ")', '')
    .option('--passage-prefix <text>', 'put in front of the rows’ texts (e.g. "passage: ")', '')
    .option('--price <per-million-tokens>', 'price per million tokens, for the estimate before embedding')
    .action(async (flags: Record<string, string | undefined>, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      const num = (v: string | undefined) => (v === undefined ? undefined : Number(v))
      await withEngine(globals, async (client) => {
        const input = parseChannelInput('models.addRemote', {
          url: flags.url,
          model: flags.model,
          name: flags.name,
          apiKeyEnv: flags.apiKeyEnv,
          dims: num(flags.dims),
          maxBatch: num(flags.maxBatch),
          maxBatchTokens: num(flags.maxBatchTokens),
          concurrency: num(flags.concurrency),
          requestsPerMinute: num(flags.rpm),
          timeoutMs: flags.timeout === undefined ? undefined : Math.round(Number(flags.timeout) * 1000),
          retries: num(flags.retries),
          queryPrefix: flags.queryPrefix,
          passagePrefix: flags.passagePrefix,
          pricePerMillionTokens: num(flags.price),
        })
        const m = await client.call('models.addRemote', input)
        emit(globals, m, () => `Added embedding server ${m.id} (${m.path}, ${m.dims} dims). Use it with \`embedmap embed --dataset ID --model ${m.id}\`.`)
      })
    })

  models
    .command('remove')
    .description('forget a local model (its folder stays) or delete a downloaded catalog model')
    .argument('<id>', 'model id')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const globals = cmd.optsWithGlobals() as GlobalOptions
      await withEngine(globals, async (client) => {
        const r = await client.call('models.remove', { id })
        emit(globals, r, () => (r.removed ? `Removed ${id}.` : `${id} was not downloaded; nothing to remove.`))
      })
    })
}
