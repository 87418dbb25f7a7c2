// `aielab serve <model.onnx | models:/name@alias | repository>`: the inference server in the
// foreground until Ctrl+C or SIGTERM, which stop it gracefully (requests in flight are answered).
// `aielab api-key add <name> --file keys.json`: a new key for --api-keys, printed once.
import { parseArgs } from 'node:util';
import { monitor, type DriftReport } from '../sdk/monitor';
import { toMimeBundle } from '../sdk/display/bundle';
import { createApiKey } from '../server/auth';
import { writeMonitoring } from '../server/monitoring';
import { writeToRepository } from '../server/repository';
import { startServer } from '../server/server';
import { parseTraffic } from '../server/traffic';
import { UsageError } from './usage';

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} takes a number ≥ 0, not ${JSON.stringify(value)}.`);
  return n;
}

export async function serveCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      name: { type: 'string' },
      'max-batch-size': { type: 'string' },
      'max-queue-delay-ms': { type: 'string' },
      'no-batching': { type: 'boolean' },
      'api-keys': { type: 'string' },
      cors: { type: 'string', multiple: true },
      'max-body-mb': { type: 'string' },
      'save-repository': { type: 'string' },
      'drift-window': { type: 'string' },
      'log-requests': { type: 'string' },
      'log-max-mb': { type: 'string' },
      'log-keep': { type: 'string' },
      'open-metrics': { type: 'boolean' },
      'open-docs': { type: 'boolean' },
      'request-timeout-s': { type: 'string' },
      'headers-timeout-s': { type: 'string' },
      'keep-alive-timeout-s': { type: 'string' },
      'max-connections': { type: 'string' },
      version: { type: 'string' },
      traffic: { type: 'string', multiple: true },
    },
  });
  if (positionals.length !== 1)
    throw new UsageError('serve takes one model: aielab serve model.onnx (or models:/spam@champion, or a model repository folder)');
  const target = positionals[0] as string;
  const batching = {
    ...(values['max-batch-size'] !== undefined ? { maxBatchSize: number(values['max-batch-size'], '--max-batch-size') } : {}),
    ...(values['no-batching']
      ? { maxQueueDelayMs: null }
      : values['max-queue-delay-ms'] !== undefined
        ? { maxQueueDelayMs: number(values['max-queue-delay-ms'], '--max-queue-delay-ms') }
        : {}),
  };
  if (values['save-repository']) {
    const dir = await writeToRepository(values['save-repository'], target, {
      ...batching,
      ...(values.name ? { name: values.name } : {}),
      ...(values.version ? { version: number(values.version, '--version') } : {}),
    });
    console.log(`Wrote ${dir} (config.pbtxt and the version folder); serve it with: aielab serve ${values['save-repository']}`);
    return 0;
  }
  const maxBody = number(values['max-body-mb'], '--max-body-mb');
  const server = await startServer(target, {
    ...batching,
    ...(values.host ? { host: values.host } : {}),
    port: number(values.port, '--port') ?? 8000,
    ...(values.name ? { name: values.name } : {}),
    ...(values['api-keys'] ? { apiKeys: values['api-keys'] } : {}),
    ...(values.cors ? { cors: values.cors } : {}),
    ...(maxBody !== undefined ? { maxBodyBytes: Math.round(maxBody * 1024 * 1024) } : {}),
    ...(values['drift-window'] ? { driftWindow: number(values['drift-window'], '--drift-window') } : {}),
    ...(values['log-requests'] ? { logRequests: values['log-requests'] } : {}),
    ...(values.traffic ? { traffic: parseTraffic(values.traffic) } : {}),
    ...limits(values),
  });
  for (const [name, versions] of server.repository) {
    const latest = [...versions.values()].pop()!;
    const delay = latest.config.dynamicBatching?.maxQueueDelayMicroseconds;
    const batchingNote =
      delay === undefined
        ? 'no dynamic batching'
        : `dynamic batching up to ${latest.config.maxBatchSize} rows, ${delay ? `waiting up to ${delay / 1000} ms` : 'of what queues while the model is busy'}`;
    console.log(
      `  ${name} (version${versions.size > 1 ? 's' : ''} ${[...versions.keys()].join(', ')}): ${latest.inputs.map((i) => `${i.name} ${i.datatype} [${i.shape.join(', ')}]`).join(', ')}; ${batchingNote}`,
    );
  }
  const shares = server.traffic.shares();
  if (shares.length)
    console.log(
      `  traffic split: ${shares.map((s) => `${s.model} version ${s.version} ${(100 * s.share).toFixed(1)} %`).join(', ')} (X-Routing-Key keeps a client on one version)`,
    );
  // The line tools wait for: the address, once the server answers.
  console.log(`Serving at ${server.url} (POST /v2/models/<name>/infer, /predict; /metrics; /openapi.json). Ctrl+C stops.`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      console.log('Stopping: answering requests in flight…');
      void server.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  console.log('Stopped.');
  return 0;
}

/** The flags that bound clients and the request log, as startServer's options (seconds and MiB made ms and bytes). */
function limits(values: Record<string, string | boolean | string[] | undefined>) {
  const flag = (name: string, scale: number) => {
    const n = number(values[name] as string | undefined, `--${name}`);
    return n === undefined ? undefined : n * scale;
  };
  const entries = {
    logMaxBytes: flag('log-max-mb', 1024 * 1024),
    logKeep: flag('log-keep', 1),
    requestTimeoutMs: flag('request-timeout-s', 1000),
    headersTimeoutMs: flag('headers-timeout-s', 1000),
    keepAliveTimeoutMs: flag('keep-alive-timeout-s', 1000),
    maxConnections: flag('max-connections', 1),
    openMetrics: values['open-metrics'] === true || undefined,
    openDocs: values['open-docs'] === true || undefined,
  };
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
}

export function apiKeyCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { file: { type: 'string' }, 'rate-per-minute': { type: 'string' } },
  });
  if (positionals[0] !== 'add' || positionals.length !== 2 || !values.file)
    throw new UsageError('api-key add <name> --file keys.json [--rate-per-minute 600]');
  const key = createApiKey(values.file, positionals[1] as string, number(values['rate-per-minute'], '--rate-per-minute') ?? 600);
  console.log(`Added key "${positionals[1]}" to ${values.file} (only its SHA-256 is stored). The key, shown this once:\n${key}`);
  return 0;
}

export function monitoringCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { target: { type: 'string', multiple: true }, interval: { type: 'string' }, 'credentials-file': { type: 'string' } },
  });
  if (positionals.length !== 1 || !values.target?.length)
    throw new UsageError('monitoring <folder> --target 127.0.0.1:8000 [--target …] [--interval 15s] [--credentials-file key.txt]');
  for (const file of writeMonitoring(positionals[0] as string, {
    targets: values.target,
    ...(values.interval ? { interval: values.interval } : {}),
    ...(values['credentials-file'] ? { credentialsFile: values['credentials-file'] } : {}),
  }))
    console.log(`Wrote ${file}`);
  console.log(
    `Check and run: promtool check config ${positionals[0]}/prometheus.yml && prometheus --config.file ${positionals[0]}/prometheus.yml`,
  );
  return 0;
}

/** `aielab drift <model.onnx> <requests.jsonl>`: drift of logged requests against the model's reference. */
export function driftCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      last: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length !== 2)
    throw new UsageError('drift <model.onnx> <requests.jsonl> [--model name] [--since time] [--until time] [--last N] [--json]');
  const { model, since, until } = values;
  let report: DriftReport;
  try {
    report = monitor.driftFromLog(positionals[0] as string, positionals[1] as string, {
      model,
      since,
      until,
      ...(values.last ? { last: number(values.last, '--last') } : {}),
    });
  } catch (error) {
    // Exit 1 means "drifted" to a cron job or CI step, so a check that could not run is 2.
    if (error instanceof UsageError) throw error;
    console.error(`aielab drift: ${(error as Error).message}`);
    return 2;
  }
  if (values.json)
    console.log(
      JSON.stringify(
        {
          rows: report.rows,
          drifted: report.drifted.map((f) => f.feature),
          features: report.features,
          predictions: report.predictions ?? null,
        },
        null,
        2,
      ),
    );
  else console.log(String(toMimeBundle(report)['text/plain']));
  return report.drifted.length || report.predictions?.drifted ? 1 : 0;
}
