/**
 * Issue #16: ImportModelPackage reads only files inside the package. A `loupe-model.json` that
 * names anything else (`../../secret.json`, an absolute path, a link out of the package) is
 * refused with the field named, and nothing is added to the project.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitForJob } from '../../../main/jobs';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';

const model = Buffer.from('not really a network, but the bytes the package vouches for');

function aPackage(overrides: Record<string, unknown> = {}, extra: (folder: string) => void = () => undefined): string {
  const folder = join(tempDir('loupe-package-'), 'p.v1');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'model.onnx'), model);
  writeFileSync(join(folder, 'evaluation.json'), JSON.stringify({ f1: 0.5 }));
  extra(folder);
  const manifest = {
    format: 1,
    model: 'model.onnx',
    sha256: createHash('sha256').update(model).digest('hex'),
    sourceProjectVersionArn: 'arn:aws:rekognition:us-east-1:000000000000:project/p/version/v1/1',
    f1Score: 0.5,
    executionProvider: 'cpu',
    files: ['model.onnx', 'evaluation.json'],
    evaluationSummary: 'evaluation.json',
    trainingSeconds: 1,
    ...overrides,
  };
  writeFileSync(join(folder, 'loupe-model.json'), JSON.stringify(manifest));
  return folder;
}

describe('issue #16: a model package that names files outside itself', () => {
  let loupe: TestLoupe;
  let ProjectArn: string;
  let secret: string;
  before(async () => {
    loupe = aLoupe();
    ProjectArn = (await loupe.ok('CreateProject', { ProjectName: 'kiosk' })).ProjectArn;
    secret = join(tempDir('loupe-secret-'), 'secret.json');
    writeFileSync(secret, JSON.stringify({ password: 'hunter2' }));
  });
  after(() => loupe.dispose());

  const cases: [string, Record<string, unknown>, string, ((folder: string) => void)?][] = [
    ['a relative path out of the package', { evaluationSummary: '../../secret.json' }, 'evaluationSummary'],
    ['an absolute path', { evaluationSummary: '/etc/passwd' }, 'evaluationSummary'],
    ['a summary the package does not list', { evaluationSummary: 'other.json' }, 'evaluationSummary'],
    ['.. as a file', { files: ['model.onnx', '..'] }, 'files[1]'],
    ['a model not in files', { files: ['evaluation.json'] }, 'model'],
    ['a link to a file elsewhere', { files: ['model.onnx', 'evaluation.json', 'linked.json'] }, 'files[2]', undefined],
  ];
  for (const [situation, overrides, field, extra] of cases) {
    it(`refuses ${situation}, naming ${field}`, async () => {
      const folder = aPackage(overrides, extra ?? ((f) => symlinkSync(secret, join(f, 'linked.json'))));
      const error = await loupe.fails('ImportModelPackage', { ProjectArn, Folder: folder, VersionName: `v${Math.random().toString(36).slice(2, 8)}` });
      assert.equal(error.code, 'InvalidParameterException');
      assert.ok(error.message.includes(`field ${field} `), error.message);
      assert.doesNotMatch(error.message, /hunter2/);
    });
  }

  it('adds nothing for a refused package, and imports a well-formed one', async () => {
    assert.equal((await loupe.ok('DescribeProjectVersions', { ProjectArn })).ProjectVersionDescriptions.length, 0);
    const { ProjectVersionArn } = await loupe.ok('ImportModelPackage', { ProjectArn, Folder: aPackage(), VersionName: 'good' });
    const [job] = (await loupe.ok('ListJobs', { ResourceArn: ProjectVersionArn })).Jobs;
    await waitForJob(loupe.ctx, job!.JobId);
    const [version] = (await loupe.ok('DescribeProjectVersions', { ProjectArn })).ProjectVersionDescriptions;
    assert.equal(version!.Status, 'COPYING_COMPLETED', version!.StatusMessage);
  });
});
