import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../../support/cli';
import { tempDir } from '../../support/loupe';
import { sqlite } from '../../../main/db/handle';

const home = tempDir();
after(() => rmSync(home, { recursive: true, force: true }));
// --endpoint-url signs as the AWS CLI would: no keys or profiles of the machine's user here.
for (const name of Object.keys(process.env)) if (name.startsWith('AWS_')) delete process.env[name];
process.env.AWS_SHARED_CREDENTIALS_FILE = join(home, 'no-aws-credentials');
process.env.AWS_CONFIG_FILE = join(home, 'no-aws-config');

const loupe = (...args: string[]) => runCli(home, ...args);

describe('the loupe command line', () => {
  it('creates a project from flags, with shorthand tags, and prints JSON', async () => {
    const result = await loupe('create-project', '--project-name', 'cli-made', '--tags', 'team=vision,site=busan');
    assert.equal(result.code, 0, result.err);
    const { ProjectArn } = JSON.parse(result.out) as { ProjectArn: string };
    assert.match(ProjectArn, /project\/cli-made\//);
    const tags = await loupe('list-tags-for-resource', '--resource-arn', ProjectArn);
    assert.deepEqual(JSON.parse(tags.out), { Tags: { site: 'busan', team: 'vision' } });
  });

  it('takes --cli-input-json, with flags overriding it, and list values', async () => {
    await loupe('create-project', '--cli-input-json', '{"ProjectName": "from-json", "Tags": {"a": "b"}}');
    const result = await loupe('describe-projects', '--project-names', 'from-json', 'cli-made', '--max-results', '5', '--output', 'json');
    assert.equal(result.code, 0, result.err);
    const names = (JSON.parse(result.out) as { ProjectDescriptions: { ProjectArn: string }[] }).ProjectDescriptions.map(
      (p) => p.ProjectArn.split('/')[1],
    );
    assert.deepEqual(names.sort(), ['cli-made', 'from-json']);
  });

  it('reports a service error as the AWS CLI does, with exit code 254', async () => {
    const result = await loupe('create-project', '--project-name', 'cli-made');
    assert.equal(result.code, 254);
    assert.match(result.err, /An error occurred \(ResourceInUseException\) when calling the CreateProject operation/);
  });

  it('fails with exit code 254 when the job an operation of Loupe\'s own started fails, naming why', async () => {
    const project = JSON.parse((await loupe('create-project', '--project-name', 'job-fails')).out) as { ProjectArn: string };
    const dataset = await loupe('create-dataset', '--project-arn', project.ProjectArn, '--dataset-type', 'TRAIN');
    assert.equal(dataset.code, 0, dataset.err);
    const { DatasetArn } = JSON.parse(dataset.out) as { DatasetArn: string };
    const missing = join(home, 'no-such-folder');
    const result = await loupe('import-folder', '--dataset-arn', DatasetArn, '--folder', missing);
    assert.equal(result.code, 254, result.err);
    assert.ok(result.err.includes(missing), result.err);
  });

  it('reports bad usage with exit code 252', async () => {
    assert.equal((await loupe('create-project', '--no-such-option', 'x')).code, 252);
    assert.equal((await loupe('launch-rockets')).code, 252);
    assert.equal((await loupe('describe-projects', '--max-results', 'many')).code, 252);
    assert.equal((await loupe('describe-projects', '--output', 'yaml')).code, 252);
  });

  it('lists every operation in help', async () => {
    const result = await loupe('help');
    assert.match(result.out, /create-project/);
    assert.match(result.out, /list-tags-for-resource/);
    assert.match(result.out, /serve \[--host 127\.0\.0\.1\] \[--port 7800\]/);
  });

  it('prints the credentials as JSON from the real executable', () => {
    const run = spawnSync(process.execPath, [join(import.meta.dirname, '../../../main/cli/bin.mjs'), 'credentials', '--home', home], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const credentials = JSON.parse(run.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(credentials).sort(), ['AccessKeyId', 'Endpoint', 'Region', 'SecretAccessKey']);
    assert.equal(credentials.Endpoint, 'http://127.0.0.1:7800');
  });
});

describe('the loupe command line against a running Loupe', () => {
  it('sends an operation to --endpoint-url, signed with the local credentials', async () => {
    const { openLoupe } = await import('../../../main/api');
    const { startServer } = await import('../../../main/server');
    const served = openLoupe({ home });
    const server = await startServer({ loupe: served, port: 0 });
    try {
      await served.invoke('CreateProject', { ProjectName: 'served-project' });
      const result = await loupe('describe-projects', '--project-names', 'served-project', '--endpoint-url', server.url);
      assert.equal(result.code, 0, result.err);
      assert.equal(JSON.parse(result.out).ProjectDescriptions.length, 1);
      const refused = await loupe('detect', '--project-version-arn', 'arn:aws:rekognition:us-east-1:000000000000:project/p/version/v/1', '--endpoint-url', server.url, join(import.meta.dirname, 'cli.test.ts'));
      assert.equal(refused.code, 254);
      assert.equal(JSON.parse(refused.out).Error.code, 'ResourceNotFoundException');
    } finally {
      await server.close();
      served.close();
    }
  });

  it('imports a folder with progress and prints the dataset', async () => {
    const { anImage } = await import('../../support/images');
    const folder = join(tempDir(), 'shots');
    await anImage(join(folder, 'good', 'a.jpg'));
    await anImage(join(folder, 'bad', 'b.jpg'));
    const project = JSON.parse((await loupe('create-project', '--project-name', 'cli-import')).out) as { ProjectArn: string };
    const dataset = JSON.parse((await loupe('create-dataset', '--project-arn', project.ProjectArn, '--dataset-type', 'TRAIN')).out) as {
      DatasetArn: string;
    };
    const result = await loupe('import', '--dataset-arn', dataset.DatasetArn, '--folder', folder);
    assert.equal(result.code, 0, result.err);
    assert.match(result.err, /succeeded/);
    assert.deepEqual(JSON.parse(result.out).DatasetDescription.DatasetStats, { LabeledEntries: 2, TotalEntries: 2, TotalLabels: 2, ErrorEntries: 0 });
  });
});

describe('operations that start work in the command’s own process', () => {
  it('waits for an import started by update-dataset-entries before exiting', async () => {
    const project = JSON.parse((await loupe('create-project', '--project-name', 'cli-wait')).out) as { ProjectArn: string };
    const dataset = JSON.parse((await loupe('create-dataset', '--project-arn', project.ProjectArn, '--dataset-type', 'TRAIN')).out) as { DatasetArn: string };
    const line = JSON.stringify({ 'source-ref': join(tempDir(), 'missing.jpg') });
    const result = await loupe('update-dataset-entries', '--dataset-arn', dataset.DatasetArn, '--changes', JSON.stringify({ GroundTruth: line }));
    assert.equal(result.code, 0, result.err);
    assert.match(result.err, /UpdateDatasetEntries: (succeeded|failed)/);
    const described = JSON.parse((await loupe('describe-dataset', '--dataset-arn', dataset.DatasetArn)).out);
    assert.match(described.DatasetDescription.Status, /^UPDATE_(COMPLETE|FAILED)$/);
  });

  it('sends model operations to a running Loupe only', async () => {
    const result = await loupe('start-project-version', '--project-version-arn', 'arn:aws:rekognition:us-east-1:000000000000:project/p/version/v/1', '--min-inference-units', '1');
    assert.equal(result.code, 252);
    assert.match(result.err, /--endpoint-url/);
  });
});

describe('the loupe command line picks its keys as the AWS CLI does', () => {
  const bin = join(import.meta.dirname, '../../../main/cli/bin.mjs');
  /** The real executable, asynchronously (the server lives in this process), with `env` as its only AWS settings. */
  const run = (env: Record<string, string>, ...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      const clean: NodeJS.ProcessEnv = {};
      for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) clean[name] = value;
      execFile(process.execPath, [bin, ...args, '--home', home], { env: { ...clean, ...env }, timeout: 60_000 }, (error, out, err) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, out, err });
      });
    });

  it('uses --profile, then the environment, then the shared files, then the local keys', async () => {
    const { openLoupe } = await import('../../../main/api');
    const { startServer } = await import('../../../main/server');
    const served = openLoupe({ home });
    const server = await startServer({ loupe: served, port: 0 });
    const { AccessKeyId, SecretAccessKey } = served.ctx.credentials;
    const files = tempDir();
    const credentialsFile = join(files, 'credentials');
    writeFileSync(
      credentialsFile,
      `[default]\naws_access_key_id = AKIAWRONGDEFAULT\naws_secret_access_key = wrong\n\n[loupe]\naws_access_key_id = ${AccessKeyId}\naws_secret_access_key = ${SecretAccessKey}\n`,
    );
    const noFiles = { AWS_SHARED_CREDENTIALS_FILE: join(files, 'none'), AWS_CONFIG_FILE: join(files, 'none-config') };
    const withFiles = { AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: join(files, 'none-config') };
    const wrongEnv = { AWS_ACCESS_KEY_ID: 'AKIAWRONGENVIRON', AWS_SECRET_ACCESS_KEY: 'wrong' };
    const call = (env: Record<string, string>, ...extra: string[]) => run(env, 'describe-projects', '--endpoint-url', server.url, ...extra);
    try {
      const local = await call(noFiles);
      assert.equal(local.code, 0, local.err);
      const fromEnv = await call({ ...noFiles, ...wrongEnv });
      assert.equal(fromEnv.code, 254);
      assert.match(fromEnv.err, /UnrecognizedClientException/);
      const fromDefaultProfile = await call(withFiles);
      assert.equal(fromDefaultProfile.code, 254, 'the default profile of the shared file comes before the local keys');
      const fromNamedProfile = await call({ ...withFiles, ...wrongEnv }, '--profile', 'loupe');
      assert.equal(fromNamedProfile.code, 0, fromNamedProfile.err);
      const fromAwsProfile = await call({ ...withFiles, AWS_PROFILE: 'loupe' });
      assert.equal(fromAwsProfile.code, 0, fromAwsProfile.err);
      const missing = await call(withFiles, '--profile', 'nobody');
      assert.equal(missing.code, 252);
      assert.match(missing.err, /The config profile \(nobody\) could not be found/);
    } finally {
      await server.close();
      served.close();
    }
  });
});

describe('loupe usage', () => {
  it('prints the usage per version and day as JSON, a table or CSV', async () => {
    const { openLoupe } = await import('../../../main/api');
    const q = await import('../../../main/db/queries');
    const { recordAnalysis, recordUnits } = await import('../../../main/models/usage');
    const usageHome = tempDir();
    let clock = Date.UTC(2026, 4, 5, 10, 0, 0);
    const opened = openLoupe({ home: usageHome, now: () => clock });
    const created = await opened.invoke('CreateProject', { ProjectName: 'metered' });
    assert.ok(created.ok);
    const { ProjectArn } = created.value as { ProjectArn: string };
    const arn = ProjectArn.replace(/\/\d+$/, '/version/v1/1');
    sqlite(opened.ctx.db).prepare(`INSERT INTO project_versions (project_id, name, arn, created_ms, status) VALUES (?, 'v1', ?, 1, 'STOPPED')`).run(q.findProjectByArn(opened.ctx.db, ProjectArn)!.id, arn);
    const version = { id: q.findVersionByArn(opened.ctx.db, arn)!.id, arn };
    recordUnits(opened.ctx, version, 'start', 2);
    recordAnalysis(opened.ctx, version.id, true);
    recordAnalysis(opened.ctx, version.id, true);
    recordAnalysis(opened.ctx, version.id, false);
    clock += 90 * 60_000;
    recordUnits(opened.ctx, version, 'stop', 0);
    opened.close();

    const json = await runCli(usageHome, 'usage');
    assert.equal(json.code, 0, json.err);
    assert.deepEqual(JSON.parse(json.out).Days, [
      { ProjectVersionArn: arn, Day: '2026-05-05', RunningHours: 1.5, InferenceUnitHours: 3, ImagesAnalysed: 2, Errors: 1 },
    ]);
    const csv = await runCli(usageHome, 'usage', '--output', 'csv', '--project-arn', ProjectArn);
    assert.equal(csv.out, `ProjectVersionArn,Day,RunningHours,InferenceUnitHours,ImagesAnalysed,Errors\r\n${arn},2026-05-05,1.5,3,2,1\r\n`);
    const table = await runCli(usageHome, 'usage', '--output', 'table');
    const lines = table.out.trimEnd().split('\n');
    assert.match(lines[0]!, /^ProjectVersionArn\s+Day\s+RunningHours\s+InferenceUnitHours\s+ImagesAnalysed\s+Errors$/);
    assert.match(lines[2]!, new RegExp(`^${arn.replace(/[/.]/g, '\\$&')}\\s+2026-05-05\\s+1\\.5\\s+3\\s+2\\s+1$`));
    assert.equal((await runCli(usageHome, 'usage', '--output', 'yaml')).code, 252);
    rmSync(usageHome, { recursive: true, force: true });
  });
});
