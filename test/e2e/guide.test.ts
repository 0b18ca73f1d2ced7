/**
 * The guide's own Python (boto3) and AWS CLI examples, run as printed against a real `loupe serve`.
 * The only change is the one a user makes: an AWS config whose profiles (`custom-labels-access`,
 * the guide's, and the default one) hold Loupe's keys, and whose `[services]` section sends
 * `rekognition` and `s3` to Loupe's endpoint. Each example is stored in test/e2e/guide/ under the
 * guide line it starts at (see the README there for what was restored and which cannot run).
 * One server, one small classifier trained by the guide's own training example.
 * Needs python3 with boto3, pandas and Pillow, the AWS CLI, and the built backbones.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { classFolder, classImage } from '../support/classes';
import { tempDir } from '../support/loupe';

const REPO = join(import.meta.dirname, '../..');
const GUIDE = join(import.meta.dirname, 'guide');
const modelsBuilt = existsSync(join(REPO, 'dist/models/nsfwjs-mobilenet-v2-140.onnx'));

function missing(command: string, args: string[], what: string): string | undefined {
  const probe = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (probe.error || probe.status !== 0) return `${what} (\`${command} ${args.join(' ')}\` failed: ${probe.error?.message ?? probe.stderr.trim().split('\n').pop()})`;
  return undefined;
}
/** The `[services]` section of the AWS config (service-specific endpoints) is read from botocore 1.31 and AWS CLI 2.13 on. */
const BOTOCORE_WITH_SERVICES = 'import botocore, sys; sys.exit(0 if tuple(map(int, botocore.__version__.split(".")[:2])) >= (1, 31) else 1)';
function oldCli(): string | undefined {
  const version = spawnSync('aws', ['--version'], { encoding: 'utf8', timeout: 60_000 });
  const text = `${version.stdout}${version.stderr}`;
  const v2 = /aws-cli\/2\.(\d+)\./.exec(text);
  const v1Botocore = /botocore\/1\.(\d+)\./.exec(text);
  if (v2 && Number(v2[1]) < 13) return `the AWS CLI ${text.trim()} predates the [services] config section (2.13)`;
  if (!v2 && v1Botocore && Number(v1Botocore[1]) < 31) return `the AWS CLI ${text.trim()} predates the [services] config section (botocore 1.31)`;
  return undefined;
}
const why = !modelsBuilt
  ? 'dist/models is not built: run npm run build:models'
  : (missing('python3', ['-c', 'import boto3, pandas, PIL, matplotlib'], 'python3 with boto3, pandas, pillow and matplotlib') ??
    missing('python3', ['-c', BOTOCORE_WITH_SERVICES], 'botocore 1.31 or later (the [services] config section)') ??
    missing('aws', ['--version'], 'the AWS CLI') ??
    oldCli());
if (why) console.log(`Skipping the guide's examples: ${why}`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('the guide’s Python and AWS CLI examples, as printed, against loupe serve', { skip: why ?? false }, () => {
  let server: ChildProcess;
  let origin: string;
  let token: string;
  let work: string;
  let bucketFolder: string;
  let shown: string;
  let env: NodeJS.ProcessEnv;
  let projectArn = '';
  let versionArn = '';
  let echoProjectArn = '';
  let echoDatasetArn = '';
  const datasets: Record<'TRAIN' | 'TEST', string> = { TRAIN: '', TEST: '' };
  let training: Promise<Run> | undefined;

  /** An operation called as the web UI calls it (`RekognitionService.X` or `LoupeService.X`), for setup only. */
  const call = async (target: string, input: unknown): Promise<any> => {
    const response = await fetch(`${origin}/`, {
      method: 'POST',
      headers: { 'X-Amz-Target': target, 'Content-Type': 'application/x-amz-json-1.1', Authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`${target}: ${JSON.stringify(body)}`);
    return body;
  };

  /** A guide Python example, as stored, with its command-line arguments. */
  const python = (file: string, args: string[], input?: string): Promise<Run> => run('python3', [join(GUIDE, file), ...args], work, input);
  /** A guide Python example that must finish without printing one of its own failure messages. */
  const pythonOk = async (file: string, args: string[], input?: string): Promise<string> => {
    const result = await python(file, args, input);
    assert.equal(result.code, 0, `${file}: ${result.stderr}`);
    assert.doesNotMatch(result.stdout, /Problem|error occurred|Failed|Error:/, `${file} printed a failure:\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  };
  /** A guide CLI example, as stored, with its placeholders replaced by the values the guide asks for. */
  const cli = (file: string, values: Record<string, string> = {}): Promise<Run> => {
    let command = readFileSync(join(GUIDE, 'cli', file), 'utf8');
    for (const [placeholder, value] of Object.entries(values)) command = command.split(placeholder).join(value);
    return run('bash', ['-c', command], work);
  };
  const cliJson = async (file: string, values: Record<string, string> = {}): Promise<any> => {
    const result = await cli(file, values);
    assert.equal(result.code, 0, `${file}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  };
  /** `read` every 200 ms until `done` holds of what it gave (at most `tries` readings); the last reading. */
  const poll = async <T>(read: () => Promise<T>, done: (value: T) => boolean, tries = 300): Promise<T> => {
    let value = await read();
    for (let i = 1; i < tries && !done(value); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      value = await read();
    }
    return value;
  };
  /** The dataset's description (CLI L12086) once it is no longer being created. */
  const createdDataset = (arn: string): Promise<any> =>
    poll(async () => (await cliJson('L12086-describe-dataset.sh', { dataset_arn: arn })).DatasetDescription, (description) => description.Status !== 'CREATE_IN_PROGRESS');
  /** The project's versions named `name` (CLI L14011) once `done` holds of them. */
  const versionsWhen = (project: string, name: string, done: (versions: any[]) => boolean, tries?: number): Promise<any[]> =>
    poll(async () => (await cliJson('L14011-describe-project-versions.sh', { project_arn: project, version_name: name })).ProjectVersionDescriptions, done, tries);
  const run = (command: string, args: string[], cwd: string, input?: string): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(command, args, { cwd, env, timeout: 400_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
      child.stdin?.end(input ?? '');
    });

  before(async () => {
    const home = tempDir('loupe-guide-');
    work = tempDir('loupe-guide-work-');
    server = spawn(process.execPath, ['main/cli/bin.mjs', 'serve', '--port', '0', '--home', home], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const printed = await startup(server);
    origin = new URL(printed.url).origin;
    token = new URLSearchParams(new URL(printed.url).hash.slice(1)).get('token') ?? '';

    // The user's AWS configuration: both profiles hold Loupe's keys; [services] sends Rekognition and S3 to Loupe.
    const aws = join(work, '.aws');
    mkdirSync(aws);
    writeFileSync(
      join(aws, 'config'),
      ['[default]', 'region = us-east-1', 'services = loupe', '', '[profile custom-labels-access]', 'region = us-east-1', 'services = loupe', '',
        '[services loupe]', 'rekognition =', `  endpoint_url = ${origin}`, 's3 =', `  endpoint_url = ${origin}`, ''].join('\n'),
    );
    const keys = `aws_access_key_id = ${printed.accessKeyId}\naws_secret_access_key = ${printed.secretAccessKey}\n`;
    writeFileSync(join(aws, 'credentials'), `[default]\n${keys}\n[custom-labels-access]\n${keys}`);
    shown = join(work, 'shown');
    mkdirSync(shown);
    env = {};
    for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_') && name !== 'PYTHONPATH') env[name] = value;
    Object.assign(env, {
      AWS_CONFIG_FILE: join(aws, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      AWS_DEFAULT_OUTPUT: 'json',
      // Matplotlib without a display, and PIL's Image.show() saved to a folder (test/e2e/guide/site).
      MPLBACKEND: 'Agg',
      PYTHONPATH: join(GUIDE, 'site'),
      GUIDE_SHOWN_DIR: shown,
      // The examples' polling loops and boto3's waiters sleep 5-120 s between calls; a twentieth of that.
      GUIDE_SLEEP_SCALE: '0.05',
    });
    // The analyze-image example draws its labels in Tahoma, which Linux lacks: a TrueType font under that name in the working folder.
    const font = spawnSync('python3', ['-c', 'import matplotlib, os; print(os.path.join(matplotlib.get_data_path(), "fonts/ttf/DejaVuSans.ttf"))'], { encoding: 'utf8' });
    copyFileSync(font.stdout.trim(), join(work, 'Tahoma.ttf'));

    bucketFolder = join(home, 'bucket');
    mkdirSync(bucketFolder);
    await call('LoupeService.CreateBucketMapping', { Bucket: 'bucket', Folder: bucketFolder });
  });
  after(async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  });

  it('describes the (empty) list of projects: Python L620 and CLI L614', async () => {
    assert.match(await pythonOk('L0620-describe-projects.py', []), /^Done!$/m);
    assert.deepEqual((await cliJson('L0614-describe-projects.sh')).ProjectDescriptions, []);
  });

  it('creates a project (Python L1853) and finds it by name (CLI L10497)', async () => {
    const stdout = await pythonOk('L1853-create-project.py', ['rooms']);
    projectArn = /^ARN: (arn:aws:rekognition:\S+)$/m.exec(stdout)?.[1] ?? '';
    assert.match(projectArn, /:project\/rooms\/\d+$/);
    const found = await cliJson('L10497-describe-projects.sh', { project_name: 'rooms' });
    assert.equal(found.ProjectDescriptions[0].ProjectArn, projectArn);
  });

  it('uploads images and manifests with aws s3 cp --recursive (L4210) and creates both datasets from them (CLI L2460)', async () => {
    const local = join(work, 'rooms');
    await classFolder(join(local, 'train'), 14, 0);
    await classFolder(join(local, 'test'), 6, 100);
    for (const split of ['train', 'test']) {
      const lines = ['blobs', 'stripes'].flatMap((label, classId) =>
        readdirSync(join(local, split, label)).map((name) =>
          JSON.stringify({
            'source-ref': `s3://bucket/rooms/${split}/${label}/${name}`,
            'room': classId,
            'room-metadata': { confidence: 1, 'class-name': label, 'human-annotated': 'yes', 'creation-date': '2024-01-02T03:04:05.000', type: 'groundtruth/image-classification', 'job-name': 'rooms' },
          }),
        ),
      );
      writeFileSync(join(local, `${split}.manifest`), `${lines.join('\n')}\n`);
    }
    const copied = await cli('L4210-s3-cp-recursive.sh', { 'your-local-folder': local, 'your-target-S3-location': 'bucket/rooms' });
    assert.equal(copied.code, 0, copied.stderr);
    assert.equal(copied.stdout.match(/^upload: /gm)?.length, 42);
    assert.deepEqual(readFileSync(join(bucketFolder, 'rooms', 'train', 'blobs', '0.jpg')), readFileSync(join(local, 'train', 'blobs', '0.jpg')));

    for (const [type, split] of [['TRAIN', 'train'], ['TEST', 'test']] as const) {
      // As printed, `--tags` sits on a line of its own after `--profile` (no `\`): the shell runs it as a
      // second command, which fails; the create-dataset command before it is what the example does.
      const created = await cli('L2460-create-dataset.sh', { project_arn: projectArn, '--dataset-type type': `--dataset-type ${type}`, manifest_file: `rooms/${split}.manifest` });
      assert.match(created.stderr, /--tags: command not found/);
      datasets[type] = JSON.parse(created.stdout).DatasetArn;
      assert.match(datasets[type], /:project\/rooms\/dataset\/(train|test)\/\d+$/);
      const description = await createdDataset(datasets[type]);
      assert.equal(description.Status, 'CREATE_COMPLETE', description.StatusMessage);
      assert.equal(description.DatasetStats.TotalEntries, split === 'train' ? 28 : 12);
      assert.equal(description.DatasetStats.ErrorEntries, 0);
    }
  });

  it('shows the owner of the image and manifest bucket (CLI L5928, for ERROR_INVALID_IMAGES_S3_BUCKET_OWNER)', async () => {
    const acl = await cliJson('L5928-get-bucket-acl.sh', { 'amzn-s3-demo-bucket': 'bucket' });
    assert.match(acl.Owner.ID, /^\d{12}$/);
    assert.deepEqual(acl.Grants, [{ Grantee: { DisplayName: acl.Owner.DisplayName, ID: acl.Owner.ID, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }]);
    const output = await cliJson('L5928-get-bucket-acl.sh', { 'amzn-s3-demo-bucket': 'loupe-output' });
    assert.deepEqual(output.Owner, acl.Owner, 'every bucket has the one owner');
  });

  it('starts the guide’s training example (Python L4840), which waits with the boto3 waiter', () => {
    // The waiter polls every 120 s: the examples below run meanwhile, on the datasets it trains from.
    training = python('L4840-train-model.py', [projectArn, 'v1', 'bucket', 'training-output']);
  });

  it('lists dataset entries with NextToken "" (Python L12345) and through the CLI (L12325, L12332 --has-errors)', async () => {
    const stdout = await pythonOk('L12345-list-dataset-entries.py', [datasets.TRAIN, 'false']);
    assert.equal(stdout.match(/^\{"source-ref": ?"s3:\/\/bucket\/rooms\/train\//gm)?.length, 28);
    assert.match(stdout, /^Finished listing entries for dataset: /m);
    assert.equal((await cliJson('L12325-list-dataset-entries.sh', { dataset_arn: datasets.TEST })).DatasetEntries.length, 12);
    assert.deepEqual((await cliJson('L12332-list-dataset-entries.sh', { dataset_arn: datasets.TEST })).DatasetEntries, []);
  });

  it('converts a COCO dataset, uploads the manifest with upload_file (Python L3605), syncs the images with the command it prints, and a dataset is created from it', async () => {
    const coco = join(work, 'coco');
    mkdirSync(join(coco, 'images'), { recursive: true });
    const images: object[] = [];
    const annotations: object[] = [];
    for (let i = 0; i < 3; i++) {
      const name = `echo-${i}.jpg`;
      await sharp({ create: { width: 200, height: 160, channels: 3, background: { r: 30 + i * 40, g: 120, b: 90 } } }).jpeg().toFile(join(coco, 'images', name));
      images.push({ id: 10 + i, file_name: name, width: 200, height: 160, date_captured: '2013-11-14 16:03:19' });
      annotations.push({ id: 100 + i, image_id: 10 + i, category_id: 2, bbox: [20 + i, 30, 80, 60], area: 4800, iscrowd: 0 });
    }
    annotations.push({ id: 200, image_id: 11, category_id: 3, bbox: [120, 20, 50, 40], area: 2000, iscrowd: 0 });
    writeFileSync(join(coco, 'coco.json'), JSON.stringify({ images, annotations, categories: [{ supercategory: 'speaker', id: 2, name: 'echo dot' }, { supercategory: 'speaker', id: 3, name: 'echo' }] }));
    // The values the guide asks the reader to set at the top of the example (L3591–L3602); nothing else changes.
    const printed = readFileSync(join(GUIDE, 'L3605-coco-to-manifest.py'), 'utf8');
    const settings: Record<string, string> = {
      s3_key_path_manifest_file: 'manifests/',
      s3_key_path_images: 'coco/images/',
      local_path: `${coco}/`,
      local_images_path: `${coco}/images/`,
      coco_manifest: 'coco.json',
      job_name: 'echo-job',
    };
    let script = printed;
    for (const [name, value] of Object.entries(settings)) {
      const assignment = new RegExp(`^${name} ?= ?'[^']*'$`, 'm');
      assert.match(script, assignment, name);
      script = script.replace(assignment, `${name} = '${value}'`);
    }
    writeFileSync(join(work, 'coco_to_manifest.py'), script);
    const converted = await run('python3', [join(work, 'coco_to_manifest.py')], work);
    assert.equal(converted.code, 0, converted.stderr);
    const manifest = readFileSync(join(bucketFolder, 'manifests', 'custom_labels.manifest'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(manifest.length, 3);
    assert.equal(manifest[1]['bounding-box'].annotations.length, 2);
    assert.deepEqual(manifest[1]['bounding-box-metadata']['class-map'], { '2': 'echo dot', '3': 'echo' });
    // The `aws s3 sync` command the example prints for the images, run as printed (bold escapes removed).
    const sync = /aws s3 sync [^\n]*/.exec(converted.stdout.replaceAll('\u001b[1m', '').replaceAll('\u001b[0m', ''))?.[0];
    assert.ok(sync, converted.stdout);
    const synced = await run('bash', ['-c', sync], work);
    assert.equal(synced.code, 0, synced.stderr);
    assert.deepEqual(readdirSync(join(bucketFolder, 'coco', 'images')).sort(), ['echo-0.jpg', 'echo-1.jpg', 'echo-2.jpg']);

    echoProjectArn = (await call('RekognitionService.CreateProject', { ProjectName: 'echo-dots' })).ProjectArn;
    const created = await cli('L2460-create-dataset.sh', { project_arn: echoProjectArn, '--dataset-type type': '--dataset-type TRAIN', manifest_file: 'manifests/custom_labels.manifest' });
    echoDatasetArn = JSON.parse(created.stdout).DatasetArn;
    const description = await createdDataset(echoDatasetArn);
    assert.equal(description.Status, 'CREATE_COMPLETE', description.StatusMessage);
    assert.equal(description.DatasetStats.LabeledEntries, 3);
    assert.equal(description.DatasetStats.TotalLabels, 2);
  });

  it('makes image-level manifests from a CSV file (Python L3986) and from a Ground Truth multi-label job (Python L3792), and datasets are created from both', async () => {
    const flowers = join(work, 'flowers');
    const images = ['camellia1', 'camellia2', 'helleborus1', 'jonquil1'];
    for (const [k, name] of images.entries()) await classImage(join(flowers, 'images', `${name}.jpg`), k % 2 ? 'stripes' : 'blobs', 300 + k);
    // The guide's CSV (L3956–L3974, its first rows): no header, the image, then one or more labels.
    writeFileSync(
      join(flowers, 'flowers.csv'),
      ['camellia1.jpg,camellia,with_leaves', 'camellia2.jpg,camellia,with_leaves', 'helleborus1.jpg,helleborus,without_leaves,not_fully_grown', 'jonquil1.jpg,jonquil,with_leaves', ''].join('\n'),
    );
    const fromCsv = await run('python3', [join(GUIDE, 'L3986-csv-to-manifest.py'), 'flowers.csv', '--s3_path', 's3://bucket/flowers/images/'], flowers);
    assert.equal(fromCsv.code, 0, fromCsv.stderr);
    assert.match(fromCsv.stdout, /^No duplicates found\. Creating manifest file\.$/m);
    assert.match(fromCsv.stdout, /^Images: 4$/m);
    // A Ground Truth image classification (multi-label) job's output manifest, as SageMaker writes it.
    const job = 'flower-job';
    const groundTruth = images.map((name, k) =>
      JSON.stringify({
        'source-ref': `s3://bucket/flowers/images/${name}.jpg`,
        [job]: k === 2 ? [1, 2] : [0, 2],
        [`${job}-metadata`]: {
          'job-name': `labeling-job/${job}`,
          'class-map': { '0': 'with_leaves', '1': 'without_leaves', '2': name.replace(/\d+$/, '') },
          'human-annotated': 'yes',
          'creation-date': '2022-01-21T14:21:05.412345',
          'confidence-map': { '0': 0.93, '1': 0.88, '2': 0.97 },
          type: 'groundtruth/image-classification-multilabel',
        },
      }),
    );
    writeFileSync(join(flowers, 'output.manifest'), `${groundTruth.join('\n')}\n`);
    const fromGroundTruth = await run('python3', [join(GUIDE, 'L3792-gt-multilabel-to-manifest.py'), 'output.manifest'], flowers);
    assert.equal(fromGroundTruth.code, 0, fromGroundTruth.stderr);
    assert.match(fromGroundTruth.stdout, /^Manifest file created: custom_labels_output\.manifest$/m);
    assert.equal(readFileSync(join(flowers, 'custom_labels_output.manifest'), 'utf8').trim().split('\n').length, 4);

    // Images and manifests to the bucket as the guide says (L4210), a dataset from each manifest (CLI L2460).
    const copied = await cli('L4210-s3-cp-recursive.sh', { 'your-local-folder': flowers, 'your-target-S3-location': 'bucket/flowers' });
    assert.equal(copied.code, 0, copied.stderr);
    const flowerProject = (await call('RekognitionService.CreateProject', { ProjectName: 'flowers' })).ProjectArn;
    const labelsOf = async (manifest: string, type: 'TRAIN' | 'TEST'): Promise<Map<string, string[]>> => {
      const created = await cli('L2460-create-dataset.sh', { project_arn: flowerProject, '--dataset-type type': `--dataset-type ${type}`, manifest_file: `flowers/${manifest}` });
      const datasetArn = JSON.parse(created.stdout).DatasetArn;
      const description = await createdDataset(datasetArn);
      assert.equal(description.Status, 'CREATE_COMPLETE', `${manifest}: ${description.StatusMessage}`);
      assert.deepEqual([description.DatasetStats.TotalEntries, description.DatasetStats.LabeledEntries, description.DatasetStats.ErrorEntries], [4, 4, 0], manifest);
      const entries: string[] = (await cliJson('L12325-list-dataset-entries.sh', { dataset_arn: datasetArn })).DatasetEntries;
      return new Map(
        entries.map((entry) => {
          const line = JSON.parse(entry);
          const labels = Object.entries(line)
            .filter(([key]) => key.endsWith('-metadata'))
            .map(([, metadata]: [string, any]) => metadata['class-name'] as string);
          return [String(line['source-ref']).split('/').pop()!, labels.sort()];
        }),
      );
    };
    const expected = new Map([
      ['camellia1.jpg', ['camellia', 'with_leaves']],
      ['camellia2.jpg', ['camellia', 'with_leaves']],
      ['helleborus1.jpg', ['helleborus', 'not_fully_grown', 'without_leaves']],
      ['jonquil1.jpg', ['jonquil', 'with_leaves']],
    ]);
    assert.deepEqual(await labelsOf('flowers.manifest', 'TRAIN'), expected);
    // The Ground Truth job above gave helleborus1 no not_fully_grown.
    expected.set('helleborus1.jpg', ['helleborus', 'without_leaves']);
    assert.deepEqual(await labelsOf('custom_labels_output.manifest', 'TEST'), expected);
  });

  it('tags the project, lists the tags and refuses the untag example’s shell-split keys by name (CLI L13816, L13828, L13986)', async () => {
    const tagged = await cli('L13816-tag-resource.sh', { '--resource-arn resource-arn': `--resource-arn ${projectArn}` });
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.deepEqual((await cliJson('L13828-list-tags-for-resource.sh', { '--resource-arn resource-arn': `--resource-arn ${projectArn}` })).Tags, { key1: 'value1', key2: 'value2' });
    // Unquoted, `["key1", "key2"]` reaches the CLI as the two words `[key1,` and `key2]`.
    const untagged = await cli('L13986-untag-resource.sh', { '--resource-arn resource-arn': `--resource-arn ${projectArn}` });
    assert.notEqual(untagged.code, 0);
    assert.match(untagged.stderr, /\(InvalidParameterException\) when calling the UntagResource operation/);
    assert.match(untagged.stderr, /Value '\[key1,' at 'TagKeys.0'/);
  });

  it('trains: the training example reports TRAINING_COMPLETED, and the CLI describes the version (L14011)', async () => {
    const result = await training!;
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Status: TRAINING_COMPLETED$/m, `${result.stdout}\n${result.stderr}`);
    versionArn = /^Finished training model: (\S+)$/m.exec(result.stdout)?.[1] ?? '';
    assert.match(versionArn, /:project\/rooms\/version\/v1\/\d+$/);
    const [version] = (await cliJson('L14011-describe-project-versions.sh', { project_arn: projectArn, version_name: 'v1' })).ProjectVersionDescriptions;
    assert.deepEqual(version.OutputConfig, { S3Bucket: 'bucket', S3KeyPrefix: 'training-output' });
    assert.equal(version.EvaluationResult.Summary.S3Object.Bucket, 'bucket');
    assert.ok(existsSync(join(bucketFolder, version.EvaluationResult.Summary.S3Object.Name)));
  });

  it('shows the confusion matrix read from the summary with s3.Object().get() (Python L7601)', async () => {
    const stdout = await pythonOk('L7601-confusion-matrix.py', ['rooms', 'v1']);
    assert.match(stdout, /GroundTruthLabel\s+blobs\s+stripes/);
    assert.match(stdout, /^PredictedLabel/m);
    assert.match(stdout, /^blobs\s+\d+%\s+\d+%$/m);
    assert.match(stdout, /^Done$/m);
  });

  it('starts the model (Python L8065), analyses a local and an S3 image and draws the labels (Python L9026, CLI L9002, L1722, L1292), and stops it (Python L8506)', async () => {
    assert.match(await pythonOk('L8065-start-model.py', [projectArn, versionArn, '1']), /^Status: RUNNING$/m);

    const local = await classImage(join(work, 'probe-local.jpg'), 'stripes', 901);
    const local0 = readdirSync(shown).length;
    await pythonOk('L9026-analyze-image.py', [versionArn, local]);
    assert.equal(readdirSync(shown).length, local0 + 1);

    await classImage(join(bucketFolder, 'probes', 'blobs-1.jpg'), 'blobs', 902);
    const fromS3 = await pythonOk('L9026-analyze-image.py', [versionArn, 'probes/blobs-1.jpg', '--bucket', 'bucket']);
    assert.match(fromS3, /^Custom labels detected: 1$/m);
    // What the example showed: the image with its label written in a black box at the top left.
    const drawn = readdirSync(shown).sort().pop()!;
    const { data, info } = await sharp(join(shown, drawn)).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [128, 128]);
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
    assert.deepEqual(pixel(12, 2), [0, 0, 0]);

    const s3Image = { MY_BUCKET: 'bucket', PATH_TO_MY_IMAGE: 'probes/blobs-1.jpg', '"model_arn"': `"${versionArn}"` };
    for (const file of ['L1722-detect-custom-labels.sh', 'L1292-detect-custom-labels.sh']) {
      assert.equal((await cliJson(file, s3Image)).CustomLabels[0].Name, 'blobs', file);
    }
    const detected = await cliJson('L9002-detect-custom-labels.sh', { model_arn: versionArn, '"image"': '"probes/blobs-1.jpg"' });
    assert.equal(detected.CustomLabels[0].Name, 'blobs');

    assert.match(await pythonOk('L8506-stop-model.py', [projectArn, versionArn]), /^Status: STOPPED$/m);
  });

  it('starts and stops the model with the CLI (L8048, L8492)', async () => {
    const started = await cliJson('L8048-start-project-version.sh', { model_arn: versionArn, 'minimum number of units': '1', 'maximum number of units': '2' });
    assert.equal(started.Status, 'STARTING');
    await versionsWhen(projectArn, 'v1', ([version]) => version.Status === 'RUNNING');
    assert.equal((await cliJson('L8492-stop-project-version.sh', { 'model arn': versionArn })).Status, 'STOPPING');
  });

  it('describes the dataset (Python L12097) and the model (Python L14026)', async () => {
    const dataset = await pythonOk('L12097-describe-dataset.py', [datasets.TEST]);
    assert.match(dataset, /^Status: CREATE_COMPLETE$/m);
    assert.match(dataset, /^\tLabeled entries: 12$/m);
    assert.match(dataset, /^\tTotal labels: 2$/m);
    const model = await pythonOk('L14026-describe-model.py', [projectArn, 'v1']);
    assert.match(model, /^\tF1 score: (0\.\d+|1(\.0)?)$/m);
    assert.match(model, /^\tSummary location: s3:\/\/bucket\/training-output\/\S+\.json$/m);
    assert.match(model, /^Training output location: s3:\/\/bucket\/training-output$/m);
    assert.match(model, /^Status: (STOPPING|STOPPED)$/m);
  });

  it('finds the model by its tag (Python L13853) and lists the project’s policies with NextToken "" (Python L15237)', async () => {
    const tagged = await cli('L13816-tag-resource.sh', { '--resource-arn resource-arn': `--resource-arn ${versionArn}` });
    assert.equal(tagged.code, 0, tagged.stderr);
    const found = await python('L13853-find-tag-value.py', ['key2', 'value2']);
    assert.equal(found.code, 0, found.stderr);
    assert.match(found.stdout, new RegExp(`^Project: ${projectArn}\nModel version: ${versionArn}$`, 'm'));
    const policies = await pythonOk('L15237-list-project-policies.py', [projectArn]);
    assert.match(policies, /^Projects\n-----$/m);
    assert.doesNotMatch(policies, /Policy name:/);
  });

  it('prints the version with its validation results through the default profile (Python L5743)', async () => {
    // The example names its project and version in main(), for the reader to replace (L5738).
    const printed = readFileSync(join(GUIDE, 'L5743-validation-results.py'), 'utf8');
    assert.match(printed, /^ {4}project_arn='project_arn'\n {4}version_name='version_name'$/m);
    writeFileSync(join(work, 'validation_results.py'), printed.replace("project_arn='project_arn'", `project_arn='${projectArn}'`).replace("version_name='version_name'", "version_name='v1'"));
    const result = await run('python3', [join(work, 'validation_results.py')], work);
    assert.equal(result.code, 0, result.stderr);
    const model = JSON.parse(result.stdout);
    for (const name of ['TrainingDataResult', 'TestingDataResult']) {
      assert.deepEqual(Object.keys(model[name]).sort(), ['Input', 'Output', 'Validation'], name);
      assert.equal(model[name].Validation.Assets[0].GroundTruthManifest.S3Object.Bucket, 'bucket');
    }
    assert.equal(model.ManifestSummary.S3Object.Bucket, 'bucket');
  });

  it('updates, lists and deletes a project policy (Python L14476 with --policy_revision_id, L15237, L15523)', async () => {
    const document = (effect: string) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'rekognition:CopyProjectVersion', Resource: `${projectArn.replace(/\/\d+$/, '')}/version/*` }] });
    const { PolicyRevisionId } = await call('RekognitionService.PutProjectPolicy', { ProjectArn: projectArn, PolicyName: 'copy-to-prod', PolicyDocument: document('Deny') });
    writeFileSync(join(work, 'policy.json'), document('Allow'));
    const updated = await pythonOk('L14476-put-project-policy.py', [projectArn, 'copy-to-prod', join(work, 'policy.json'), '--policy_revision_id', PolicyRevisionId]);
    const revision = /^Revision ID: (\S+)$/m.exec(updated)?.[1];
    assert.ok(revision && revision !== PolicyRevisionId, updated);
    const listed = await pythonOk('L15237-list-project-policies.py', [projectArn]);
    assert.match(listed, /^Policy name: copy-to-prod$/m);
    assert.match(listed, new RegExp(`^Revision ID: ${revision}$`, 'm'));
    assert.match(listed, /"Effect": ?"Allow"/);
    assert.match(await pythonOk('L15523-delete-project-policy.py', ['copy-to-prod', projectArn], 'delete\n'), /^Finished deleting project policy: copy-to-prod$/m);
    assert.doesNotMatch(await pythonOk('L15237-list-project-policies.py', [projectArn]), /Policy name:/);

    const again = await call('RekognitionService.PutProjectPolicy', { ProjectArn: projectArn, PolicyName: 'copy-to-prod', PolicyDocument: document('Allow') });
    const deleted = await cli('L15505-delete-project-policy.sh', {
      '--policy-name policy-name': '--policy-name copy-to-prod',
      '--policy-revision-id policy-revision-id': `--policy-revision-id ${again.PolicyRevisionId}`,
      '--project-arn project-arn': `--project-arn ${projectArn}`,
    });
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.deepEqual((await call('RekognitionService.ListProjectPolicies', { ProjectArn: projectArn })).ProjectPolicies, []);
  });

  it('copies the model into another project (CLI L14816)', async () => {
    const { ProjectArn: destination } = await call('RekognitionService.CreateProject', { ProjectName: 'rooms-prod' });
    const copied = await cliJson('L14816-copy-project-version.sh', {
      '--source-project-arn source-project-arn': `--source-project-arn ${projectArn}`,
      '--source-project-version-arn source-project-version-arn': `--source-project-version-arn ${versionArn}`,
      '--destination-project-arn destination-project-arn': `--destination-project-arn ${destination}`,
      '--version-name version-name': '--version-name from-rooms',
    });
    assert.match(copied.ProjectVersionArn, /:project\/rooms-prod\/version\/from-rooms\/\d+$/);
    const [version] = await versionsWhen(destination, 'from-rooms', ([copy]) => copy.Status !== 'COPYING_IN_PROGRESS', 600);
    assert.equal(version.Status, 'COPYING_COMPLETED', version.StatusMessage);
    assert.deepEqual(version.OutputConfig, { S3Bucket: 'bucket', S3KeyPrefix: 'folder' });
    assert.deepEqual((await cliJson('L13828-list-tags-for-resource.sh', { '--resource-arn resource-arn': `--resource-arn ${copied.ProjectVersionArn}` })).Tags, { key: 'key' });

    // The copy goes again with the CLI's delete-project-version (L13393); the source model stays.
    assert.equal((await cliJson('L13393-delete-project-version.sh', { model_arn: copied.ProjectVersionArn })).Status, 'DELETING');
    assert.deepEqual(await versionsWhen(destination, 'from-rooms', (left) => left.length === 0), []);
    assert.equal((await cliJson('L14011-describe-project-versions.sh', { project_arn: projectArn, version_name: 'v1' })).ProjectVersionDescriptions.length, 1);
  });

  it('splits a training dataset into an empty test dataset (CLI L2460, Python L10874, Python L12637)', async () => {
    const { ProjectArn } = await call('RekognitionService.CreateProject', { ProjectName: 'split' });
    const train = JSON.parse((await cli('L2460-create-dataset.sh', { project_arn: ProjectArn, '--dataset-type type': '--dataset-type TRAIN', manifest_file: 'rooms/train.manifest' })).stdout).DatasetArn;
    const empty = await pythonOk('L10874-create-empty-dataset.py', [ProjectArn, 'test']);
    const test = /^Finished creating empty dataset: (\S+)$/m.exec(empty)?.[1] ?? '';
    assert.match(test, /\/dataset\/test\/\d+$/);
    await createdDataset(train);
    assert.match(await pythonOk('L12637-distribute-dataset-entries.py', [train, test]), /^Distribution complete$/m);
    const stats = async (arn: string) => (await cliJson('L12086-describe-dataset.sh', { dataset_arn: arn })).DatasetDescription.DatasetStats.TotalEntries;
    const [inTrain, inTest] = [await stats(train), await stats(test)];
    assert.equal(inTrain + inTest, 28);
    assert.ok(inTest >= 4 && inTest <= 8, `${inTest} test entries`);

    // The split datasets train a model with the CLI's create-project-version (L4818).
    const created = await cliJson('L4818-create-project-version.sh', { project_arn: ProjectArn, version_name: 'from-split', output_bucket: 'bucket', output_folder: 'split-output' });
    assert.match(created.ProjectVersionArn, /:project\/split\/version\/from-split\/\d+$/);
    const [version] = await versionsWhen(ProjectArn, 'from-split', ([trained]) => trained.Status !== 'TRAINING_IN_PROGRESS', 1500);
    assert.equal(version.Status, 'TRAINING_COMPLETED', version.StatusMessage);
    assert.deepEqual(version.OutputConfig, { S3Bucket: 'bucket', S3KeyPrefix: 'split-output' });
    // It was tested on the split's test images: the testing manifest it wrote has one line each.
    const testing = version.TestingDataResult.Output.Assets[0].GroundTruthManifest.S3Object;
    assert.equal(testing.Bucket, 'bucket');
    assert.equal(readFileSync(join(bucketFolder, testing.Name), 'utf8').trim().split('\n').length, inTest);
    assert.equal(typeof version.EvaluationResult.F1Score, 'number');

    // An empty test dataset and a training dataset copied from another one, with the CLI.
    const { ProjectArn: copies } = await call('RekognitionService.CreateProject', { ProjectName: 'copies' });
    const emptyTest = await cliJson('L10861-create-dataset.sh', { project_arn: copies, dataset_type: 'TEST' });
    const copied = await cliJson('L11701-create-dataset.sh', { project_arn: copies, '--dataset-type dataset_type': '--dataset-type TRAIN', '"dataset_arn"': `"${datasets.TRAIN}"` });
    await createdDataset(copied.DatasetArn);
    assert.equal(await stats(copied.DatasetArn), 28);
    assert.equal(await stats(emptyTest.DatasetArn), 0);
  });

  it('deletes the model (Python L13405, answering its prompt), a dataset (Python L13079) and a project (Python L10199)', async () => {
    await versionsWhen(projectArn, 'v1', ([version]) => version.Status === 'STOPPED');
    assert.match(await pythonOk('L13405-delete-model.py', [projectArn, versionArn], 'delete\n'), /^Finished deleting model: /m);
    assert.deepEqual((await cliJson('L14011-describe-project-versions.sh', { project_arn: projectArn, version_name: 'v1' })).ProjectVersionDescriptions, []);
    assert.match(await pythonOk('L13079-delete-dataset.py', [echoDatasetArn]), /^Finished deleting dataset: /m);
    assert.match(await pythonOk('L10199-delete-project.py', [echoProjectArn]), /^Finished deleting project: /m);
    assert.deepEqual((await cliJson('L10497-describe-projects.sh', { project_name: 'echo-dots' })).ProjectDescriptions, []);
  });

  it('deletes the remaining datasets and the project with the CLI (L13068, L10188)', async () => {
    for (const arn of [datasets.TRAIN, datasets.TEST]) {
      const deleted = await cli('L13068-delete-dataset.sh', { '--dataset-arn dataset-arn': `--dataset-arn ${arn}` });
      assert.equal(deleted.code, 0, deleted.stderr);
    }
    assert.equal((await cliJson('L10188-delete-project.sh', { project_arn: projectArn })).Status, 'DELETING');
  });
});

interface Startup {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Reads `loupe serve`'s first lines: the URL and both keys. */
function startup(child: ChildProcess): Promise<Startup> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`loupe serve did not start in 60 s\n${out}\n${err}`)), 60_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /https?:\/\/\S+/.exec(out)?.[0];
      const accessKeyId = /^AccessKeyId=(\S+)$/m.exec(out)?.[1];
      const secretAccessKey = /^SecretAccessKey=(\S+)$/m.exec(out)?.[1];
      if (url && accessKeyId && secretAccessKey) {
        clearTimeout(timer);
        resolve({ url, accessKeyId, secretAccessKey });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`loupe serve exited with ${code}\n${out}\n${err}`));
    });
  });
}
