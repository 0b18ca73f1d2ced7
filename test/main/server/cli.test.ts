/** The real AWS CLI (botocore's signer) with only --endpoint-url; skipped where it is not installed. */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from './harness';

function awsCliMissing(): string | undefined {
  const probe = spawnSync('aws', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.error || probe.status !== 0) {
    return `the AWS CLI is not installed (\`aws --version\` failed: ${probe.error?.message ?? probe.stderr.trim()})`;
  }
  return undefined;
}

const skip = awsCliMissing();
if (skip) console.log(`Skipping the AWS CLI tests: ${skip}`);

/** Run `aws` asynchronously (the server lives in this process) with only the local credentials. */
function aws(harness: Harness, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_')) env[name] = value;
  }
  const { AccessKeyId, SecretAccessKey } = harness.loupe.ctx.credentials;
  Object.assign(env, {
    AWS_ACCESS_KEY_ID: AccessKeyId,
    AWS_SECRET_ACCESS_KEY: SecretAccessKey,
    AWS_CONFIG_FILE: join(harness.home, 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(harness.home, 'no-such-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  });
  return new Promise((resolve) => {
    execFile(
      'aws',
      [...args, '--endpoint-url', harness.server.url, '--region', 'us-east-1', '--output', 'json'],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('when the AWS CLI talks to Loupe', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  it('creates a project and lists it', { skip }, async () => {
    const empty = await aws(harness, ['rekognition', 'describe-projects']);
    assert.equal(empty.code, 0, empty.stderr);
    assert.deepEqual(JSON.parse(empty.stdout), { ProjectDescriptions: [] });

    const created = await aws(harness, ['rekognition', 'create-project', '--project-name', 'cli-made']);
    assert.equal(created.code, 0, created.stderr);
    const { ProjectArn } = JSON.parse(created.stdout) as { ProjectArn: string };
    assert.match(ProjectArn, /^arn:aws:rekognition:[a-z0-9-]+:\d{12}:project\/cli-made\/\d+$/);

    const listed = await aws(harness, ['rekognition', 'describe-projects']);
    assert.equal(listed.code, 0, listed.stderr);
    const { ProjectDescriptions } = JSON.parse(listed.stdout) as {
      ProjectDescriptions: { ProjectArn: string; Status: string; CreationTimestamp: unknown }[];
    };
    assert.equal(ProjectDescriptions.length, 1);
    assert.equal(ProjectDescriptions[0]?.ProjectArn, ProjectArn);
    assert.equal(ProjectDescriptions[0]?.Status, 'CREATED');
    assert.ok(ProjectDescriptions[0]?.CreationTimestamp);
  });

  it('reports a service error by its name', { skip }, async () => {
    const first = await aws(harness, ['rekognition', 'create-project', '--project-name', 'cli-twice']);
    assert.equal(first.code, 0, first.stderr);
    const duplicate = await aws(harness, ['rekognition', 'create-project', '--project-name', 'cli-twice']);
    assert.notEqual(duplicate.code, 0);
    assert.match(duplicate.stderr, /ResourceInUseException/);
  });
});
