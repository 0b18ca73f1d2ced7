/**
 * Issue 15: a refusal with one of Loupe's coded sentences carries its code and parameters in the
 * JSON 1.1 error body beside the service's members, and the AWS SDK still reads it as the
 * service's error with the English message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateProjectCommand } from '@aws-sdk/client-rekognition';
import { rekognitionClient, signedFetch, startHarness, type Harness } from './harness';

describe('a coded refusal over HTTP', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness();
  });
  after(() => harness.close());

  it('answers __type and the English Message, plus MessageCode and MessageParams', async () => {
    const response = await signedFetch(harness, { target: 'LoupeService.CheckFolder', body: JSON.stringify({ Folder: '/no/such/folder/here' }) });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      __type: 'InvalidParameterException',
      Message: 'There is no folder at /no/such/folder/here.',
      MessageCode: 'NoFolderAt',
      MessageParams: { path: '/no/such/folder/here' },
    });
  });

  it('is still the service’s exception to the AWS SDK', async () => {
    const client = rekognitionClient(harness, 'us-east-1');
    await client.send(new CreateProjectCommand({ ProjectName: 'twice' }));
    await assert.rejects(client.send(new CreateProjectCommand({ ProjectName: 'twice' })), (error: Error) => {
      assert.equal(error.name, 'ResourceInUseException');
      assert.equal(error.message, 'A project named twice already exists.');
      return true;
    });
  });
});
