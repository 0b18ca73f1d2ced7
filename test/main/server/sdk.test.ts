import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateDatasetCommand,
  CreateProjectCommand,
  DeleteDatasetCommand,
  DeleteProjectCommand,
  DescribeDatasetCommand,
  DescribeProjectsCommand,
  ListTagsForResourceCommand,
  type RekognitionClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-rekognition';
import { rekognitionClient, startHarness, type Harness } from './harness';

/** The SDK's modelled exception name, or a failure when the call succeeded. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected the call to fail');
}

for (const region of ['us-east-1', 'eu-west-1']) {
  describe(`when the AWS SDK for JavaScript is signed for ${region}`, () => {
    let harness: Harness;
    let client: RekognitionClient;

    before(async () => {
      harness = await startHarness();
      client = rekognitionClient(harness, region);
    });

    after(async () => {
      client.destroy();
      await harness.close();
    });

    it('walks a project and its dataset through their lifecycle', async () => {
      const created = await client.send(
        new CreateProjectCommand({ ProjectName: 'flowers', Tags: { team: 'botany' } }),
      );
      assert.match(created.ProjectArn ?? '', /^arn:aws:rekognition:[a-z0-9-]+:\d{12}:project\/flowers\/\d+$/);
      assert.match(created.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
      const projectArn = created.ProjectArn as string;
      await client.send(new CreateProjectCommand({ ProjectName: 'birds' }));

      const all = await client.send(new DescribeProjectsCommand({}));
      assert.deepEqual(
        new Set(all.ProjectDescriptions?.map((project) => project.ProjectArn?.split('/')[1])),
        new Set(['flowers', 'birds']),
      );
      const flowers = all.ProjectDescriptions?.find((project) => project.ProjectArn === projectArn);
      assert.ok(flowers?.CreationTimestamp instanceof Date, 'CreationTimestamp is a Date');
      assert.ok(Math.abs((flowers.CreationTimestamp as Date).getTime() - Date.now()) < 60_000);
      assert.equal(flowers.Status, 'CREATED');

      const filtered = await client.send(new DescribeProjectsCommand({ ProjectNames: ['flowers'] }));
      assert.deepEqual(
        filtered.ProjectDescriptions?.map((project) => project.ProjectArn),
        [projectArn],
      );

      const firstPage = await client.send(new DescribeProjectsCommand({ MaxResults: 1 }));
      assert.equal(firstPage.ProjectDescriptions?.length, 1);
      assert.ok(firstPage.NextToken, 'a first page of one has a NextToken');
      const secondPage = await client.send(
        new DescribeProjectsCommand({ MaxResults: 1, NextToken: firstPage.NextToken }),
      );
      assert.equal(secondPage.ProjectDescriptions?.length, 1);
      assert.notEqual(secondPage.ProjectDescriptions?.[0]?.ProjectArn, firstPage.ProjectDescriptions?.[0]?.ProjectArn);
      assert.equal(secondPage.NextToken, undefined);

      const dataset = await client.send(new CreateDatasetCommand({ ProjectArn: projectArn, DatasetType: 'TRAIN' }));
      const datasetArn = dataset.DatasetArn as string;
      assert.match(datasetArn, /\/dataset\/train\/\d+$/);
      const described = await client.send(new DescribeDatasetCommand({ DatasetArn: datasetArn }));
      assert.equal(described.DatasetDescription?.Status, 'CREATE_COMPLETE');
      assert.ok(described.DatasetDescription?.CreationTimestamp instanceof Date);
      assert.deepEqual(described.DatasetDescription?.DatasetStats, {
        LabeledEntries: 0,
        TotalEntries: 0,
        TotalLabels: 0,
        ErrorEntries: 0,
      });

      const tags = await client.send(new ListTagsForResourceCommand({ ResourceArn: projectArn }));
      assert.deepEqual(tags.Tags, { team: 'botany' });
      await client.send(new TagResourceCommand({ ResourceArn: projectArn, Tags: { stage: 'pilot' } }));
      const tagged = await client.send(new ListTagsForResourceCommand({ ResourceArn: projectArn }));
      assert.deepEqual(tagged.Tags, { team: 'botany', stage: 'pilot' });
      await client.send(new UntagResourceCommand({ ResourceArn: projectArn, TagKeys: ['team'] }));
      const untagged = await client.send(new ListTagsForResourceCommand({ ResourceArn: projectArn }));
      assert.deepEqual(untagged.Tags, { stage: 'pilot' });

      const inUse = await rejectionOf(client.send(new DeleteProjectCommand({ ProjectArn: projectArn })));
      assert.equal(inUse.name, 'ResourceInUseException');
      assert.equal(inUse.$metadata?.httpStatusCode, 400);

      await client.send(new DeleteDatasetCommand({ DatasetArn: datasetArn }));
      const gone = await rejectionOf(client.send(new DescribeDatasetCommand({ DatasetArn: datasetArn })));
      assert.equal(gone.name, 'ResourceNotFoundException');

      const deleted = await client.send(new DeleteProjectCommand({ ProjectArn: projectArn }));
      assert.equal(deleted.Status, 'DELETING');
      const remaining = await client.send(new DescribeProjectsCommand({}));
      assert.deepEqual(
        remaining.ProjectDescriptions?.map((project) => project.ProjectArn?.split('/')[1]),
        ['birds'],
      );
    });

    it('answers a duplicate project with ResourceInUseException, as the service model declares', async () => {
      await client.send(new CreateProjectCommand({ ProjectName: 'twice' }));
      const error = await rejectionOf(client.send(new CreateProjectCommand({ ProjectName: 'twice' })));
      assert.equal(error.name, 'ResourceInUseException');
    });

    it('answers a second TRAIN dataset with ResourceAlreadyExistsException', async () => {
      const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'one-train' }));
      await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }));
      const error = await rejectionOf(client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' })));
      assert.equal(error.name, 'ResourceAlreadyExistsException');
    });

    it('answers an invalid project name with an InvalidParameterException naming the field', async () => {
      const error = await rejectionOf(client.send(new CreateProjectCommand({ ProjectName: 'bad name!' })));
      assert.equal(error.name, 'InvalidParameterException');
      assert.match(error.message, /ProjectName/);
      assert.equal(error.$metadata?.httpStatusCode, 400);
    });
  });
}
