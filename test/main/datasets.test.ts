import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aClock, aLoupe, type TestLoupe } from '../support/loupe';
import { sqlite } from '../../main/db/handle';

describe('datasets', () => {
  let loupe: TestLoupe;
  let projectArn: string;
  before(async () => {
    loupe = aLoupe({ now: aClock() });
    projectArn = (await loupe.ok('CreateProject', { ProjectName: 'bolts' })).ProjectArn;
  });
  after(() => loupe.dispose());

  it('creates an empty TRAIN dataset, complete at once, with zero stats', async () => {
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn: projectArn, DatasetType: 'TRAIN' });
    assert.match(DatasetArn, /^arn:aws:rekognition:us-east-1:\d{12}:project\/bolts\/dataset\/train\/\d{13}$/);
    const { DatasetDescription } = await loupe.ok('DescribeDataset', { DatasetArn });
    assert.equal(DatasetDescription.Status, 'CREATE_COMPLETE');
    assert.equal(DatasetDescription.StatusMessageCode, 'SUCCESS');
    assert.deepEqual(DatasetDescription.DatasetStats, { LabeledEntries: 0, TotalEntries: 0, TotalLabels: 0, ErrorEntries: 0 });
    const [project] = (await loupe.ok('DescribeProjects', { ProjectNames: ['bolts'] })).ProjectDescriptions;
    assert.deepEqual(project?.Datasets.map((d) => [d.DatasetType, d.DatasetArn, d.Status]), [['TRAIN', DatasetArn, 'CREATE_COMPLETE']]);
  });

  it('refuses a second TRAIN dataset but accepts a TEST one', async () => {
    const error = await loupe.fails('CreateDataset', { ProjectArn: projectArn, DatasetType: 'TRAIN' });
    assert.equal(error.code, 'ResourceAlreadyExistsException');
    assert.match(error.message, /already has a TRAIN dataset/);
    await loupe.ok('CreateDataset', { ProjectArn: projectArn, DatasetType: 'TEST' });
  });

  it('refuses an unknown project, a bad type and a malformed ARN', async () => {
    const unknown = await loupe.fails('CreateDataset', {
      ProjectArn: 'arn:aws:rekognition:us-east-1:000000000000:project/nope/1',
      DatasetType: 'TRAIN',
    });
    assert.equal(unknown.code, 'ResourceNotFoundException');
    const badType = await loupe.fails('CreateDataset', { ProjectArn: projectArn, DatasetType: 'VALIDATION' });
    assert.equal(badType.code, 'InvalidParameterException');
    assert.match(badType.message, /'DatasetType'.*\[TRAIN, TEST\]/);
    const badArn = await loupe.fails('DescribeDataset', { DatasetArn: 'not-an-arn-at-all-really' });
    assert.equal(badArn.code, 'InvalidParameterException');
    assert.match(badArn.message, /DatasetArn/);
  });

  it('deletes a dataset, after which it is not found and the project can have a new one', async () => {
    const [project] = (await loupe.ok('DescribeProjects', { ProjectNames: ['bolts'] })).ProjectDescriptions;
    const test = project?.Datasets.find((d) => d.DatasetType === 'TEST');
    assert.ok(test);
    await loupe.ok('DeleteDataset', { DatasetArn: test.DatasetArn });
    assert.equal((await loupe.fails('DescribeDataset', { DatasetArn: test.DatasetArn })).code, 'ResourceNotFoundException');
    assert.equal((await loupe.fails('DeleteDataset', { DatasetArn: test.DatasetArn })).code, 'ResourceNotFoundException');
    await loupe.ok('CreateDataset', { ProjectArn: projectArn, DatasetType: 'TEST' });
  });

  it('refuses to delete a dataset that an import is writing to', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'busy' });
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
    sqlite(loupe.ctx.db).prepare(`UPDATE datasets SET status = 'UPDATE_IN_PROGRESS' WHERE arn = ?`).run(DatasetArn);
    assert.equal((await loupe.fails('DeleteDataset', { DatasetArn })).code, 'ResourceInUseException');
  });

  it('refuses a source with both a manifest and a dataset to copy', async () => {
    const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'sourced' });
    const error = await loupe.fails('CreateDataset', {
      ProjectArn,
      DatasetType: 'TRAIN',
      DatasetSource: {
        GroundTruthManifest: { S3Object: { Bucket: 'bucket', Name: 'train.manifest' } },
        DatasetArn: 'arn:aws:rekognition:us-east-1:000000000000:project/x/dataset/train/1',
      },
    });
    assert.equal(error.code, 'InvalidParameterException');
});
});
