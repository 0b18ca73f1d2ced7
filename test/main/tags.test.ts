import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aClock, aLoupe, type TestLoupe } from '../support/loupe';

describe('tags', () => {
  let loupe: TestLoupe;
  let projectArn: string;
  let datasetArn: string;
  before(async () => {
    loupe = aLoupe({ now: aClock() });
    projectArn = (await loupe.ok('CreateProject', { ProjectName: 'tagged' })).ProjectArn;
    datasetArn = (await loupe.ok('CreateDataset', { ProjectArn: projectArn, DatasetType: 'TRAIN' })).DatasetArn;
  });
  after(() => loupe.dispose());

  it('adds, overwrites and removes tags on a project and a dataset independently', async () => {
    await loupe.ok('TagResource', { ResourceArn: projectArn, Tags: { env: 'dev', owner: 'ana' } });
    await loupe.ok('TagResource', { ResourceArn: projectArn, Tags: { env: 'prod' } });
    await loupe.ok('TagResource', { ResourceArn: datasetArn, Tags: { split: 'train' } });
    assert.deepEqual((await loupe.ok('ListTagsForResource', { ResourceArn: projectArn })).Tags, { env: 'prod', owner: 'ana' });
    await loupe.ok('UntagResource', { ResourceArn: projectArn, TagKeys: ['owner', 'not-there'] });
    assert.deepEqual((await loupe.ok('ListTagsForResource', { ResourceArn: projectArn })).Tags, { env: 'prod' });
    assert.deepEqual((await loupe.ok('ListTagsForResource', { ResourceArn: datasetArn })).Tags, { split: 'train' });
  });

  it('refuses more than 50 tags on one resource and keeps the ones it had', async () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    const error = await loupe.fails('TagResource', { ResourceArn: datasetArn, Tags: many });
    assert.equal(error.code, 'ServiceQuotaExceededException');
    assert.deepEqual((await loupe.ok('ListTagsForResource', { ResourceArn: datasetArn })).Tags, { split: 'train' });
  });

  it('reports tags of a resource that does not exist as ResourceNotFoundException', async () => {
    const ghost = 'arn:aws:rekognition:us-east-1:000000000000:project/tagged/version/v1/1700000000000';
    assert.equal((await loupe.fails('TagResource', { ResourceArn: ghost, Tags: { a: 'b' } })).code, 'ResourceNotFoundException');
  });
});
