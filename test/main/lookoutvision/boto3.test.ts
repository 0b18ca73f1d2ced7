/**
 * Lookout for Vision code in Python against Loupe: botocore no longer ships the service, so
 * `loupe aws-models` writes its description where botocore looks, and boto3 (and the AWS CLI) then
 * drive Loupe with only the endpoint changed — a project, datasets from manifests in a mapped
 * bucket, a model trained on normal images alone, hosted, asked about a clean and a scratched
 * surface, entries updated, tags, paging and the service's errors. Skipped, saying why, where boto3 or the AWS CLI
 * is not installed.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { z } from 'zod';
import { main } from '../../../main/cli';
import { ROUTES } from '../../../main/server/lookoutvision';
import { lookoutVisionServiceModel } from '../../../main/server/lookoutVisionModel';
import { operations } from '../../../preload/contract';
import { aScratch, aTexture } from '../../support/textures';
import { awsClientEnv, startHarness, type Harness } from '../server/harness';

function missing(command: string, args: string[], what: string): string | undefined {
  const probe = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (probe.error || probe.status !== 0) return `${what} is not installed (\`${command} ${args.join(' ')}\` failed: ${probe.error?.message ?? probe.stderr.trim()})`;
  return undefined;
}

const modelsBuilt = existsSync(join(import.meta.dirname, '../../../dist/models/nsfwjs-mobilenet-v2-140.onnx'));
const noBoto3 = missing('python3', ['-c', 'import boto3'], 'python3 with boto3') ?? (modelsBuilt ? undefined : 'the built-in backbone is not built (npm run build:models)');
const noCli = missing('aws', ['--version'], 'the AWS CLI');
if (noBoto3) console.log(`Skipping the boto3 Lookout for Vision test: ${noBoto3}`);
if (noCli) console.log(`Skipping the AWS CLI Lookout for Vision test: ${noCli}`);

const BUCKET = 'l4v-python';

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { env, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

function manifestLine(key: string, anomalous: boolean): string {
  return JSON.stringify({
    'source-ref': `s3://${BUCKET}/${key}`,
    'anomaly-label': anomalous ? 1 : 0,
    'anomaly-label-metadata': { 'class-name': anomalous ? 'anomaly' : 'normal', 'creation-date': '2026-12-01T00:00:00.000Z', 'human-annotated': 'yes', 'job-name': 'anomaly-label', type: 'groundtruth/image-classification' },
  });
}

/** Lookout for Vision code as its users wrote it, with the endpoint pointed at Loupe. */
const LOOKOUT_FOR_VISION_IN_PYTHON = `
import json, sys, time, boto3, botocore
endpoint, folder = sys.argv[1], sys.argv[2]
lv = boto3.client('lookoutvision', endpoint_url=endpoint)
out = {}

def until(read, done, timeout=600):
    started = time.time()
    while True:
        value = read()
        if done(value): return value
        if time.time() - started > timeout: raise TimeoutError(json.dumps(value, default=str))
        time.sleep(0.25)

def error_of(call, **kwargs):
    try:
        call(**kwargs)
    except botocore.exceptions.ClientError as error:
        return [error.response['Error']['Code'], error.response['ResponseMetadata']['HTTPStatusCode'], error.response['Error']['Message']]
    return None

lv.create_project(ProjectName='steel')
for kind in ['train', 'test']:
    lv.create_dataset(ProjectName='steel', DatasetType=kind, DatasetSource={'GroundTruthManifest': {'S3Object': {'Bucket': '${BUCKET}', 'Key': kind + '.manifest'}}})
    until(lambda: lv.describe_dataset(ProjectName='steel', DatasetType=kind), lambda d: 'IN_PROGRESS' not in d['DatasetDescription']['Status'])
out['stats'] = lv.describe_dataset(ProjectName='steel', DatasetType='test')['DatasetDescription']['ImageStats']
out['anomalyEntries'] = len(lv.list_dataset_entries(ProjectName='steel', DatasetType='test', AnomalyClass='anomaly')['DatasetEntries'])
pages = lv.get_paginator('list_dataset_entries').paginate(ProjectName='steel', DatasetType='train', PaginationConfig={'PageSize': 3})
out['trainPages'] = [len(page['DatasetEntries']) for page in pages]

created = lv.create_model(ProjectName='steel', Description='brushed steel, good parts only', OutputConfig={'S3Location': {'Bucket': '${BUCKET}', 'Prefix': 'models/'}}, Tags=[{'Key': 'line', 'Value': '3'}])
out['created'] = [created['ModelMetadata']['ModelVersion'], created['ModelMetadata']['Status']]
model = until(lambda: lv.describe_model(ProjectName='steel', ModelVersion='1'), lambda d: d['ModelDescription']['Status'] != 'TRAINING')['ModelDescription']
out['model'] = {'Status': model['Status'], 'Description': model.get('Description'), 'F1': model['Performance'].get('F1Score'), 'Manifest': model['EvaluationManifest']['Key'], 'Created': model['CreationTimestamp'].year}
out['models'] = [m['ModelVersion'] for m in lv.list_models(ProjectName='steel')['Models']]

lv.start_model(ProjectName='steel', ModelVersion='1', MinInferenceUnits=1)
until(lambda: lv.describe_model(ProjectName='steel', ModelVersion='1'), lambda d: d['ModelDescription']['Status'] == 'HOSTED')
for name in ['clean', 'scratched']:
    with open(f'{folder}/test/{name}-0.png', 'rb') as image:
        result = lv.detect_anomalies(ProjectName='steel', ModelVersion='1', Body=image.read(), ContentType='image/png')['DetectAnomalyResult']
    out[name] = {'IsAnomalous': result['IsAnomalous'], 'Confidence': result['Confidence'], 'MaskIsPng': result['AnomalyMask'][:8] == b'\\x89PNG\\r\\n\\x1a\\n'}

arn = lv.describe_model(ProjectName='steel', ModelVersion='1')['ModelDescription']['ModelArn']
lv.tag_resource(ResourceArn=arn, Tags=[{'Key': 'shift', 'Value': 'night'}])
lv.untag_resource(ResourceArn=arn, TagKeys=['line'])
out['tags'] = lv.list_tags_for_resource(ResourceArn=arn)['Tags']
out['stopped'] = lv.stop_model(ProjectName='steel', ModelVersion='1')['Status']
until(lambda: lv.describe_model(ProjectName='steel', ModelVersion='1'), lambda d: d['ModelDescription']['Status'] == 'TRAINED')

# UpdateDatasetEntries takes manifest lines as bytes: the clean test image relabelled as an anomaly.
relabelled = json.dumps({'source-ref': 's3://${BUCKET}/test/clean-0.png', 'anomaly-label': 1, 'anomaly-label-metadata': {'class-name': 'anomaly', 'human-annotated': 'yes', 'creation-date': '2026-12-01T00:00:00.000Z', 'job-name': 'relabel', 'type': 'groundtruth/image-classification'}})
out['update'] = lv.update_dataset_entries(ProjectName='steel', DatasetType='test', Changes=relabelled.encode())['Status']
updated = until(lambda: lv.describe_dataset(ProjectName='steel', DatasetType='test'), lambda d: 'IN_PROGRESS' not in d['DatasetDescription']['Status'])['DatasetDescription']
out['updated'] = [updated['Status'], updated['ImageStats']['Anomaly']]
out['entriesBefore2000'] = len(lv.list_dataset_entries(ProjectName='steel', DatasetType='test', BeforeCreationDate='2000-01-01')['DatasetEntries'])

out['errors'] = {
    'unknown project': error_of(lv.describe_project, ProjectName='nowhere'),
    'bad name': error_of(lv.create_project, ProjectName='not a name!'),
    'taken name': error_of(lv.create_project, ProjectName='steel'),
}
print(json.dumps(out))
`;

describe('Lookout for Vision from boto3 and the AWS CLI, through the description loupe aws-models writes', () => {
  it('describes every route Loupe answers, with exactly the members of its input schema', () => {
    const model = lookoutVisionServiceModel();
    assert.equal(Object.keys(model.operations).length, ROUTES.length);
    for (const route of ROUTES) {
      const name = route.operation.replace(/^LookoutVision/, '');
      const operation = model.operations[name] as { http: { method: string; requestUri: string }; input: { shape: string }; output: { shape: string } };
      assert.deepEqual([operation.http.method, operation.http.requestUri], [route.method, route.path], name);
      const request = model.shapes[operation.input.shape] as { members: Record<string, { shape: string }>; required: string[] };
      const schema = operations[route.operation].input as z.ZodObject<z.ZodRawShape>;
      assert.deepEqual(Object.keys(request.members).sort(), Object.keys(schema.shape).sort(), `${name}: the request's members are the input schema's`);
      for (const required of request.required) assert.ok(!(schema.shape[required] as z.ZodType).safeParse(undefined).success, `${name}.${required} is required by both`);
      // Every shape a member names is described.
      for (const member of Object.values(request.members)) assert.ok(model.shapes[member.shape], `${name}: ${member.shape}`);
      assert.ok(model.shapes[operation.output.shape], `${name}: its response`);
    }
  });

  describe('against a running Loupe', () => {
    let harness: Harness;
    let folder: string;
    let models: string;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      harness = await startHarness();
      models = mkdtempSync(join(tmpdir(), 'loupe-aws-models-'));
      let printed = '';
      const out = new Writable({ write: (chunk: Buffer, _encoding, done) => void ((printed += chunk.toString()), done()) });
      assert.equal(await main(['aws-models', '--dir', models], { out, err: out }), 0, printed);
      assert.match(printed, /lookoutvision\/2020-11-20\/service-2\.json/);
      env = { ...awsClientEnv(harness), AWS_DATA_PATH: models };
      folder = join(harness.home, 'steel');
      mkdirSync(join(folder, 'train'), { recursive: true });
      mkdirSync(join(folder, 'test'), { recursive: true });
      assert.ok((await harness.loupe.invoke('CreateBucketMapping', { Bucket: BUCKET, Folder: folder })).ok);
      const train: string[] = [];
      for (let i = 0; i < 8; i++) {
        await aTexture(join(folder, 'train', `normal-${i}.png`), { seed: 300 + i });
        train.push(manifestLine(`train/normal-${i}.png`, false));
      }
      await aTexture(join(folder, 'test', 'clean-0.png'), { seed: 350 });
      await aTexture(join(folder, 'test', 'scratched-0.png'), { seed: 360, scratch: aScratch(3) });
      writeFileSync(join(folder, 'train.manifest'), `${train.join('\n')}\n`);
      writeFileSync(join(folder, 'test.manifest'), `${[manifestLine('test/clean-0.png', false), manifestLine('test/scratched-0.png', true)].join('\n')}\n`);
    });

    after(async () => {
      await harness?.close();
      rmSync(models, { recursive: true, force: true });
    });

    it('boto3: manifests → a good-only model → hosted → DetectAnomalies, tags, paging and the service\'s errors', { skip: noBoto3 }, async () => {
      const result = await run('python3', ['-c', LOOKOUT_FOR_VISION_IN_PYTHON, harness.server.url, folder], env);
      assert.equal(result.code, 0, result.stderr);
      const out = JSON.parse(result.stdout) as Record<string, unknown>;
      assert.deepEqual(out.stats, { Total: 2, Labeled: 2, Normal: 1, Anomaly: 1 });
      assert.equal(out.anomalyEntries, 1);
      assert.deepEqual(out.trainPages, [3, 3, 2], 'the paginator follows NextToken');
      assert.deepEqual(out.created, ['1', 'TRAINING']);
      const model = out.model as { Status: string; Description: string; F1: number; Manifest: string; Created: number };
      assert.equal(model.Status, 'TRAINED');
      assert.equal(model.Description, 'brushed steel, good parts only');
      assert.equal(model.F1, 1);
      assert.match(model.Manifest, /^models\//);
      assert.ok(model.Created >= 2026, 'timestamps arrive as datetimes');
      assert.deepEqual(out.models, ['1']);
      const clean = out.clean as { IsAnomalous: boolean; MaskIsPng: boolean };
      const scratched = out.scratched as { IsAnomalous: boolean; Confidence: number; MaskIsPng: boolean };
      assert.equal(clean.IsAnomalous, false);
      assert.equal(scratched.IsAnomalous, true);
      assert.ok(scratched.Confidence > 0.5 && scratched.Confidence <= 1);
      assert.ok(clean.MaskIsPng && scratched.MaskIsPng, 'AnomalyMask arrives as PNG bytes');
      assert.deepEqual(out.tags, [{ Key: 'shift', Value: 'night' }]);
      assert.equal(out.stopped, 'STOPPING_HOSTING');
      assert.equal(out.update, 'UPDATE_IN_PROGRESS');
      assert.deepEqual(out.updated, ['UPDATE_COMPLETE', 2]);
      assert.equal(out.entriesBefore2000, 0, 'the creation-date filter travels as a timestamp');
      const errors = out.errors as Record<string, [string, number, string]>;
      assert.deepEqual(errors['unknown project']!.slice(0, 2), ['ResourceNotFoundException', 404]);
      assert.deepEqual(errors['bad name']!.slice(0, 2), ['ValidationException', 400]);
      assert.match(errors['bad name']![2], /ProjectName/);
      assert.deepEqual(errors['taken name']!.slice(0, 2), ['ConflictException', 409]);
    });

    it('the AWS CLI: aws lookoutvision lists the projects and describes a dataset', { skip: noCli }, async () => {
      assert.ok((await harness.loupe.invoke('LookoutVisionCreateProject', { ProjectName: 'from-cli' })).ok);
      const listed = await run('aws', ['lookoutvision', 'list-projects', '--endpoint-url', harness.server.url, '--output', 'json'], env);
      assert.equal(listed.code, 0, listed.stderr);
      const names = (JSON.parse(listed.stdout) as { Projects: { ProjectName: string }[] }).Projects.map((p) => p.ProjectName);
      assert.ok(names.includes('from-cli'), names.join(', '));
      const missingDataset = await run('aws', ['lookoutvision', 'describe-dataset', '--project-name', 'from-cli', '--dataset-type', 'train', '--endpoint-url', harness.server.url], env);
      assert.notEqual(missingDataset.code, 0);
      assert.match(missingDataset.stderr, /ResourceNotFoundException/);
      assert.ok(readFileSync(join(models, 'lookoutvision', '2020-11-20', 'paginators-1.json'), 'utf8').includes('ListProjects'));
    });
  });
});
