/**
 * Answers code written for the service relies on: an empty NextToken is the first page, and every
 * error a service operation gives is one the service model declares for it, with a message that
 * names the real problem.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as q from '../../main/db/queries';
import { declaredErrors } from '../../preload/contract';
import { aLoupe, type TestLoupe } from '../support/loupe';

describe('answers as the service gives them', () => {
  let loupe: TestLoupe;
  let ProjectArn: string;
  let DatasetArn: string;

  before(async () => {
    loupe = aLoupe();
    ({ ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'answers' }));
    ({ DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' }));
  });
  after(() => loupe.dispose());

  it('takes NextToken "" as the first page everywhere', async () => {
    const projects = await loupe.ok('DescribeProjects', { NextToken: '' });
    assert.equal(projects.ProjectDescriptions.length, 1);
    const versions = await loupe.ok('DescribeProjectVersions', { ProjectArn, NextToken: '' });
    assert.deepEqual(versions.ProjectVersionDescriptions, []);
    assert.deepEqual((await loupe.ok('ListDatasetEntries', { DatasetArn, NextToken: '' })).DatasetEntries, []);
    assert.deepEqual((await loupe.ok('ListDatasetLabels', { DatasetArn, NextToken: '' })).DatasetLabelDescriptions, []);
    assert.deepEqual((await loupe.ok('ListProjectPolicies', { ProjectArn, NextToken: '' })).ProjectPolicies, []);
  });

  it('answers a used project name with ResourceInUseException, declared for CreateProject', async () => {
    const error = await loupe.fails('CreateProject', { ProjectName: 'answers' });
    assert.equal(error.code, 'ResourceInUseException');
    assert.ok(declaredErrors.CreateProject?.includes(error.code));
  });

  it('answers input the schema refuses with InvalidParameterException naming the field', async () => {
    const confidence = await loupe.fails('DetectCustomLabels', {
      ProjectVersionArn: `${ProjectArn.replace(/\/\d+$/, '')}/version/v1/1`.replace(':project/', ':project/'),
      Image: { Bytes: 'AAAA' },
      MinConfidence: 101,
    });
    assert.equal(confidence.code, 'InvalidParameterException');
    assert.match(confidence.message, /MinConfidence/);
    const untag = await loupe.fails('UntagResource', { ResourceArn: ProjectArn, TagKeys: ['[key1,'] });
    assert.equal(untag.code, 'InvalidParameterException');
    assert.doesNotMatch(untag.message, /aws:/);
    assert.match(untag.message, /TagKeys/);
    const reserved = await loupe.fails('TagResource', { ResourceArn: ProjectArn, Tags: { 'aws:owner': 'x' } });
    assert.match(reserved.message, /aws: \(the prefix is reserved\)/);
  });

  it('names what was wrong and what to do in the errors it answers (issue 17 audit)', async () => {
    const PolicyDocument = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'rekognition:CopyProjectVersion', Resource: '*' }] });
    await loupe.ok('PutProjectPolicy', { ProjectArn, PolicyName: 'p1', PolicyDocument });
    const stale = await loupe.fails('DeleteProjectPolicy', { ProjectArn, PolicyName: 'p1', PolicyRevisionId: '0ff1ce' });
    assert.equal(stale.code, 'InvalidPolicyRevisionIdException');
    assert.match(stale.message, /PolicyRevisionId 0ff1ce is not the current revision of p1 \(\w+\); pass that one, or leave PolicyRevisionId out\./);
    const absent = await loupe.fails('DeleteProjectPolicy', { ProjectArn, PolicyName: 'p2' });
    assert.equal(absent.code, 'ResourceNotFoundException');
    assert.match(absent.message, /The project answers has no policy p2; ListProjectPolicies lists its policies\./);
    const revise = await loupe.fails('PutProjectPolicy', { ProjectArn, PolicyName: 'p3', PolicyRevisionId: 'a1', PolicyDocument });
    assert.match(revise.message, /leave PolicyRevisionId out to create it/);
    const { ProjectArn: other } = await loupe.ok('CreateProject', { ProjectName: 'answers-2' });
    const { DatasetArn: otherTest } = await loupe.ok('CreateDataset', { ProjectArn: other, DatasetType: 'TEST' });
    const apart = await loupe.fails('DistributeDatasetEntries', { Datasets: [{ Arn: DatasetArn }, { Arn: otherTest }] });
    assert.equal(apart.code, 'InvalidParameterException');
    assert.equal(apart.message, `The datasets must belong to the same project: ${DatasetArn} and ${otherTest} do not.`);

    // A dataset still being written is not ready for DistributeDatasetEntries, which cannot say "in use".
    const { DatasetArn: test } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TEST' });
    const train = q.findDatasetByArn(loupe.ctx.db, DatasetArn)!;
    q.setDatasetStatus(loupe.ctx.db, train.id, 'UPDATE_IN_PROGRESS', 'The dataset is being updated.', 'SUCCESS', Date.now());
    try {
      const busy = await loupe.fails('DistributeDatasetEntries', { Datasets: [{ Arn: DatasetArn }, { Arn: test }] });
      assert.equal(busy.code, 'ResourceNotReadyException');
      assert.ok(declaredErrors.DistributeDatasetEntries?.includes(busy.code));
      assert.match(busy.message, /is UPDATE_IN_PROGRESS\. Wait for it to finish\./);
    } finally {
      q.setDatasetStatus(loupe.ctx.db, train.id, train.status, train.statusMessage, train.statusMessageCode, Date.now());
    }
  });

  it('keeps app operations answering with their own errors', async () => {
    const error = await loupe.fails('CreateBucketMapping', { Bucket: '-bad-bucket', Folder: loupe.home });
    assert.equal(error.code, 'ValidationException');
  });
});
