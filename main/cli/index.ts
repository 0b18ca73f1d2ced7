/**
 * The `loupe` command line: every operation of the catalogue as a kebab-case command with
 * AWS-CLI-style arguments, plus `serve`, `credentials`, `import`, `detect`, `doctor`, `aws-models` and `help`.
 *
 *   loupe create-project --project-name shelf --tags team=vision
 *   loupe describe-projects --cli-input-json '{"MaxResults": 5}'
 *   loupe serve --port 7800
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { operationNames, operations, toKebabCase, type OperationName } from '../../preload/contract';
import { openLoupe } from '../api';
import { waitForIdle, waitForJob } from '../jobs';
import { startServer } from '../server';
import { LOOKOUT_VISION_API_VERSION, lookoutVisionPaginators, lookoutVisionServiceModel } from '../server/lookoutVisionModel';
import { isLoopbackHost } from '../server/hosts';
import { loadOrCreateTlsIdentity, readTlsIdentity, servedNames } from '../server/tls';
import { KIOSK_CODE_TTL_MS } from '../server/kiosk';
import { EXIT_SERVICE, EXIT_USAGE, parseOperationArgs, UsageError } from './args';
import { detectCommand, importCommand } from './conveniences';
import { doctorCommand } from './doctor';
import { usageCommand } from './usage';
import { invokeRemote, signingKeys } from './remote';
import { serveModelRepository } from './serveModel';

/** Exit codes as the AWS CLI uses them: 252 bad usage, 254 the service refused. */

const commandToOperation = new Map<string, OperationName>(operationNames.map((name) => [toKebabCase(name), name]));

export const DEFAULT_PORT = 7800;

export interface Io {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export async function main(argv: string[], io: Io = { out: process.stdout, err: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.out.write(usage());
      return 0;
    }
    if (command === 'serve') return await serve(rest, io.out);
    if (command === 'credentials') return credentials(rest, io.out);
    if (command === 'import') return await importCommand(rest, io);
    if (command === 'detect') return await detectCommand(rest, io);
    if (command === 'usage') return await usageCommand(rest, io);
    if (command === 'doctor') return await doctorCommand(rest, io);
    if (command === 'aws-models') return awsModels(rest, io.out);
    const operation = commandToOperation.get(command);
    if (!operation) throw new UsageError(`Unknown command "${command}". Run "loupe help" for the list.`);
    return await runOperation(operation, rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err.write(`loupe: ${error.message}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

async function runOperation(
  name: OperationName,
  words: string[],
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream },
): Promise<number> {
  const { input, options } = parseOperationArgs(operations[name].input, words);
  if (!options.endpointUrl && NEEDS_RUNNING_LOUPE.has(name)) {
    throw new UsageError(
      `${toKebabCase(name)} works on a model loaded by a running Loupe: add --endpoint-url http://127.0.0.1:${DEFAULT_PORT} (the app or loupe serve).`,
    );
  }
  const loupe = openLoupe({ home: options.home });
  try {
    const result = options.endpointUrl
      ? await invokeRemote(options.endpointUrl, await signingKeys(loupe.ctx.credentials, options.profile), loupe.ctx.credentials.Region, name, input)
      : await loupe.invoke(name, input);
    if (!result.ok) {
      io.err.write(`An error occurred (${result.error.code}) when calling the ${name} operation: ${result.error.message}\n`);
      return EXIT_SERVICE;
    }
    io.out.write(`${JSON.stringify(result.value, null, 4)}\n`);
    // Work the operation started in this process (an import, a training run) finishes before exit.
    await waitForIdle(loupe.ctx, (job) => {
      if (job.Status === 'running') io.err.write(`\r${job.Kind}: ${[job.Phase, job.Total ? `${job.Done ?? 0}/${job.Total}` : ''].filter(Boolean).join(' ')}   `);
      else io.err.write(`\r${job.Kind}: ${job.Status}${job.Message ? ` — ${job.Message}` : ''}\n`);
    });
    // An operation of Loupe's own that answers with a job (an import, an export) fails with that job.
    const jobId = (result.value as { JobId?: unknown }).JobId;
    if (typeof jobId === 'number' && !options.endpointUrl) {
      const job = await waitForJob(loupe.ctx, jobId);
      if (job.Status !== 'succeeded') return EXIT_SERVICE;
    }
    return 0;
  } finally {
    loupe.close();
  }
}

/** Operations on a loaded model: only the process that loaded it can serve them. */
const NEEDS_RUNNING_LOUPE = new Set<OperationName>(['StartProjectVersion', 'StopProjectVersion', 'DetectCustomLabels']);

async function serve(words: string[], out: NodeJS.WritableStream): Promise<number> {
  const { values } = parseCommandArgs(words, {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: String(DEFAULT_PORT) },
    home: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    name: { type: 'string', multiple: true },
    'insecure-http': { type: 'boolean', default: false },
    'kiosk-model': { type: 'string' },
    model: { type: 'string' },
    units: { type: 'string' },
    threads: { type: 'string' },
    'grpc-port': { type: 'string' },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got ${values.port}`);
  const grpcPort = values['grpc-port'] === undefined ? undefined : Number(values['grpc-port']);
  if (grpcPort !== undefined && !(Number.isInteger(grpcPort) && grpcPort >= 0 && grpcPort <= 65535)) throw new UsageError(`--grpc-port must be 0–65535, got ${values['grpc-port']}`);
  if ((values.cert === undefined) !== (values.key === undefined)) throw new UsageError('--cert and --key go together.');
  if (values.model !== undefined) return await serveModelRepository({ ...values, model: values.model, port, ...(grpcPort !== undefined ? { grpcPort } : {}) }, out);
  if (values.units !== undefined || values.threads !== undefined) throw new UsageError('--units and --threads go with --model.');
  const exposed = !isLoopbackHost(values.host);
  const loupe = openLoupe({ home: values.home, watch: true });
  const names = [...servedNames(values.host), ...(values.name ?? [])];
  const tls =
    values.cert !== undefined && values.key !== undefined
      ? readTlsIdentity(values.cert, values.key)
      : exposed && !values['insecure-http']
        ? await loadOrCreateTlsIdentity(loupe.ctx.home, names)
        : undefined;
  const server = await startServer({
    loupe,
    host: values.host,
    port,
    names,
    insecureHttp: values['insecure-http'],
    ...(tls ? { tls } : {}),
    ...(grpcPort !== undefined ? { grpcPort } : {}),
    ...(values['kiosk-model'] ? { kioskModelArn: values['kiosk-model'] } : {}),
  });
  const { AccessKeyId, SecretAccessKey, Region } = loupe.ctx.credentials;
  const lines = [
    `Loupe is serving on ${server.url}/#token=${server.sessionToken}`,
    `Endpoint=${server.url}`,
    `AccessKeyId=${AccessKeyId}`,
    `SecretAccessKey=${SecretAccessKey}`,
    `Region=${Region}`,
    `Home=${loupe.ctx.home}`,
  ];
  if (tls) lines.push(`CertificateSha256=${tls.fingerprint}`);
  if (server.kioskCode) {
    // A one-time link: the kiosk that opens it first trades the code for its cookie (server/kiosk.ts).
    lines.push(`Kiosk=${server.url}/#kiosk-code=${server.kioskCode}`, `  (open it once, on the kiosk, within ${KIOSK_CODE_TTL_MS / 60_000} minutes; it opens only ${values['kiosk-model']})`);
  }
  lines.push(`InferenceToken=${server.inferenceToken}`);
  if (server.grpcAddress) lines.push(`GrpcEndpoint=${server.grpcAddress}`);
  if (exposed) {
    lines.push(
      '',
      `WARNING: ${values.host} is reachable from other machines. Whoever has the credentials or the session token above can`,
      'read and change every project, dataset and model in this home, import files from the folders it knows, and',
      'see the images; the kiosk link opens one kiosk that can only analyse with its one model.',
      tls
        ? `Clients should check the certificate's SHA-256 fingerprint: ${tls.fingerprint}`
        : 'PLAIN HTTP (--insecure-http): the secret, the session token and every image cross the network unencrypted.',
    );
  }
  out.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  loupe.close();
  return 0;
}

/**
 * Writes the Lookout for Vision API's description where botocore (boto3, the AWS CLI) looks for
 * service models it does not ship: `DIR/lookoutvision/2020-11-20/service-2.json` and its paginators.
 */
function awsModels(words: string[], out: NodeJS.WritableStream): number {
  const { values } = parseCommandArgs(words, { dir: { type: 'string', default: join(homedir(), '.aws', 'models') } });
  const folder = join(resolve(values.dir), 'lookoutvision', LOOKOUT_VISION_API_VERSION);
  mkdirSync(folder, { recursive: true });
  const files: [string, unknown][] = [
    ['service-2.json', lookoutVisionServiceModel()],
    ['paginators-1.json', lookoutVisionPaginators()],
  ];
  for (const [name, content] of files) {
    writeFileSync(join(folder, name), `${JSON.stringify(content, null, 2)}\n`);
    out.write(`${join(folder, name)}\n`);
  }
  const hint = resolve(values.dir) === join(homedir(), '.aws', 'models') ? '' : `AWS_DATA_PATH=${resolve(values.dir)} `;
  out.write(`boto3: ${hint}python3 -c "import boto3; boto3.client('lookoutvision', endpoint_url='http://127.0.0.1:${DEFAULT_PORT}')"\n`);
  return 0;
}

function credentials(words: string[], out: NodeJS.WritableStream): number {
  const { values } = parseCommandArgs(words, { home: { type: 'string' }, port: { type: 'string' } });
  const loupe = openLoupe({ home: values.home });
  try {
    const { AccessKeyId, SecretAccessKey, Region } = loupe.ctx.credentials;
    const port = values.port ?? String(DEFAULT_PORT);
    out.write(
      `${JSON.stringify({ Endpoint: `http://127.0.0.1:${port}`, AccessKeyId, SecretAccessKey, Region }, null, 4)}\n`,
    );
    return 0;
  } finally {
    loupe.close();
  }
}

function parseCommandArgs<T extends NonNullable<Parameters<typeof parseArgs>[0]>['options']>(words: string[], options: T) {
  try {
    return parseArgs({ args: words, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function usage(): string {
  const rekognition = operationNames.filter((name) => operations[name].service === 'RekognitionService');
  const app = operationNames.filter((name) => operations[name].service === 'LoupeService');
  const lookoutVision = operationNames.filter((name) => operations[name].service === 'LookoutVisionService');
  return [
    'Usage: loupe <command> [--option value ...] [--cli-input-json JSON|file://path] [--home DIR]',
    '',
    'Commands:',
    '  serve [--host 127.0.0.1] [--port 7800] [--home DIR]   serve the API and the web UI',
    '        [--cert FILE --key FILE] [--name HOST ...]       off loopback: HTTPS (a certificate Loupe makes, or yours)',
    '        [--insecure-http] [--kiosk-model ARN]            plain HTTP off loopback; a token that only analyses',
    '        [--grpc-port 8001]                               also the Open Inference Protocol over gRPC (also with --model)',
    '  serve --model EXPORT_FOLDER [--units 1] [--threads N]  serve an exported model repository over /v2 only,',
    '        [--host ...] [--port ...] [--cert --key]         without a home (keys and token from LOUPE_ACCESS_KEY_ID,',
    '                                                         LOUPE_SECRET_ACCESS_KEY, LOUPE_INFERENCE_TOKEN, or made up)',
    '  credentials [--home DIR]                               print the local API credentials as JSON',
    '  import --dataset-arn ARN --folder DIR [--no-auto-label] import a folder, labels from directory names',
    '  detect --project-version-arn ARN [--min-confidence N] [--max-results N] [--endpoint-url URL] IMAGE...',
    '                                                         analyse images with a running model',
    '  usage [--project-arn ARN | --project-version-arn ARN] [--output json|table|csv]',
    '                                                         running hours, inference-unit hours, images and errors per day',
    '  doctor [--output json] [--endpoint-url URL] [--home DIR] what this machine has for Loupe and what is in use',
    '  aws-models [--dir ~/.aws/models]                       describe the Lookout for Vision API for boto3 and the AWS CLI,',
    '                                                         which no longer ship it',
    '',
    'Any operation takes --endpoint-url URL to run in a running Loupe (the app or loupe serve).',
    '',
    'Service operations (same names and fields as the Rekognition Custom Labels API):',
    ...rekognition.map((name) => `  ${toKebabCase(name)}`),
    '',
    'Loupe operations:',
    ...app.map((name) => `  ${toKebabCase(name)}`),
    '',
    'Lookout for Vision operations (its names and fields; over HTTP they are REST under /2020-11-20/):',
    ...lookoutVision.map((name) => `  ${toKebabCase(name)}`),
    '',
    'LOUPE_HOME chooses the Loupe home folder, as --home does.',
    '',
  ].join('\n');
}
