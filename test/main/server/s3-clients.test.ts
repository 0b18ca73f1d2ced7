/**
 * S3 on mapped buckets from the clients the guide's examples use: boto3 (`upload_file`, which
 * switches to multipart above 8 MB, listing, `download_file`) and the AWS CLI (`aws s3 cp
 * --recursive`, `aws s3 ls`). Each is skipped, saying why, where it is not installed.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { awsClientEnv, startHarness, type Harness } from './harness';

function missing(command: string, args: string[], what: string): string | undefined {
  const probe = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (probe.error || probe.status !== 0) return `${what} is not installed (\`${command} ${args.join(' ')}\` failed: ${probe.error?.message ?? probe.stderr.trim()})`;
  return undefined;
}

const noCli = missing('aws', ['--version'], 'the AWS CLI');
const noBoto3 = missing('python3', ['-c', 'import boto3'], 'python3 with boto3');
if (noCli) console.log(`Skipping the AWS CLI S3 tests: ${noCli}`);
if (noBoto3) console.log(`Skipping the boto3 S3 tests: ${noBoto3}`);

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const BOTO3_ROUND_TRIP = `
import json, sys, boto3
endpoint, folder, big = sys.argv[1], sys.argv[2], sys.argv[3]
s3 = boto3.resource('s3', endpoint_url=endpoint)
bucket = s3.Bucket('photos')
for name in ['one.jpg', 'two.jpg']:
    bucket.upload_file(f'{folder}/{name}', f'boto/{name}')
bucket.upload_file(big, 'boto/big.bin')
client = boto3.client('s3', endpoint_url=endpoint)
keys = []
for page in client.get_paginator('list_objects_v2').paginate(Bucket='photos', Prefix='boto/', PaginationConfig={'PageSize': 2}):
    keys += [item['Key'] for item in page.get('Contents', [])]
bucket.download_file('boto/big.bin', big + '.back')
body = s3.Object('photos', 'boto/one.jpg').get()['Body'].read()
print(json.dumps({'keys': keys, 'oneLength': len(body)}))
`;

describe('S3 on mapped buckets from boto3 and the AWS CLI', () => {
  let harness: Harness;
  let folder: string;
  let local: string;
  let big: Buffer;

  before(async () => {
    harness = await startHarness();
    folder = join(harness.home, 'bucket');
    local = join(harness.home, 'local');
    mkdirSync(folder);
    mkdirSync(join(local, 'nested'), { recursive: true });
    writeFileSync(join(local, 'one.jpg'), randomBytes(3000));
    writeFileSync(join(local, 'two.jpg'), randomBytes(5000));
    writeFileSync(join(local, 'nested', 'three with space.jpg'), randomBytes(7000));
    big = randomBytes(9 * 1024 * 1024 + 17);
    writeFileSync(join(local, 'big.bin'), big);
    assert.ok((await harness.loupe.invoke('CreateBucketMapping', { Bucket: 'photos', Folder: folder })).ok);
  });
  after(() => harness.close());

  it('boto3 uploads with upload_file (multipart above 8 MB), lists and reads back byte-identical', { skip: noBoto3 }, async () => {
    const result = await run('python3', ['-c', BOTO3_ROUND_TRIP, harness.server.url, local, join(local, 'big.bin')], awsClientEnv(harness));
    assert.equal(result.code, 0, result.stderr);
    const { keys, oneLength } = JSON.parse(result.stdout) as { keys: string[]; oneLength: number };
    assert.deepEqual(keys, ['boto/big.bin', 'boto/one.jpg', 'boto/two.jpg']);
    assert.equal(oneLength, 3000);
    assert.deepEqual(readFileSync(join(folder, 'boto', 'big.bin')), big);
    assert.deepEqual(readFileSync(join(local, 'big.bin.back')), big);
    assert.deepEqual(readFileSync(join(folder, 'boto', 'one.jpg')), readFileSync(join(local, 'one.jpg')));
  });

  it('aws s3 cp --recursive uploads a folder, aws s3 ls lists it, aws s3 cp reads it back, aws s3 sync sends what changed', { skip: noCli }, async () => {
    const env = awsClientEnv(harness);
    const endpoint = ['--endpoint-url', harness.server.url];
    const up = await run('aws', ['s3', 'cp', '--recursive', local, 's3://photos/cli/', ...endpoint], env);
    assert.equal(up.code, 0, up.stderr);
    for (const name of ['one.jpg', 'two.jpg', 'big.bin']) {
      assert.deepEqual(readFileSync(join(folder, 'cli', name)), readFileSync(join(local, name)));
    }
    assert.deepEqual(readFileSync(join(folder, 'cli', 'nested', 'three with space.jpg')), readFileSync(join(local, 'nested', 'three with space.jpg')));
    const listed = await run('aws', ['s3', 'ls', 's3://photos/cli/', ...endpoint], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /PRE nested\//);
    assert.match(listed.stdout, new RegExp(`\\s${big.length} big\\.bin`));
    const deep = await run('aws', ['s3', 'ls', '--recursive', 's3://photos/cli/', ...endpoint], env);
    assert.match(deep.stdout, /cli\/nested\/three with space\.jpg/);
    const buckets = await run('aws', ['s3', 'ls', ...endpoint], env);
    assert.match(buckets.stdout, /photos/);
    assert.match(buckets.stdout, /loupe-output/);
    const down = join(harness.home, 'down');
    const back = await run('aws', ['s3', 'cp', '--recursive', 's3://photos/cli/', down, ...endpoint], env);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(readFileSync(join(down, 'big.bin')), big);
    assert.deepEqual(readdirSync(join(down, 'nested')), ['three with space.jpg']);
    // sync sends only what changed: a second run finds nothing to upload.
    const synced = await run('aws', ['s3', 'sync', local, 's3://photos/synced/', ...endpoint], env);
    assert.equal(synced.code, 0, synced.stderr);
    assert.match(synced.stdout, /upload: .*big\.bin to s3:\/\/photos\/synced\/big\.bin/);
    assert.deepEqual(readFileSync(join(folder, 'synced', 'nested', 'three with space.jpg')), readFileSync(join(local, 'nested', 'three with space.jpg')));
    const again = await run('aws', ['s3', 'sync', local, 's3://photos/synced/', ...endpoint], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout.trim(), '');
    const unmapped = await run('aws', ['s3', 'ls', 's3://not-mapped/', ...endpoint], env);
    assert.notEqual(unmapped.code, 0);
    assert.match(unmapped.stderr, /NoSuchBucket/);
    const outside = await run('aws', ['s3', 'cp', join(local, 'one.jpg'), 's3://photos/../escape.jpg', ...endpoint], env);
    assert.notEqual(outside.code, 0);
    assert.deepEqual(readdirSync(harness.home).includes('escape.jpg'), false);
  });
});
