/**
 * Issue 15: a refusal with one of Loupe's coded sentences carries its code and parameters in the
 * JSON 1.1 error body beside the service's members, and the AWS SDK still reads it as the
 * service's error with the English message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DescribeProjectsCommand, CreateProjectCommand, DeleteProjectCommand } from '@aws-sdk/client-rekognition';
import { DescribeProjectCommand, LookoutVisionClient } from '@aws-sdk/client-lookoutvision';
import { formatMessage } from '../../../preload/contract/messages';
import { localKeys, rekognitionClient, signedFetch, startHarness, type Harness } from './harness';

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

  it('issue 15: the server’s own refusals a person of the app can meet are coded too (session token, wrong path, internal error words)', async () => {
    const stale = await fetch(`${harness.server.url}/`, {
      method: 'POST',
      headers: { Authorization: 'Bearer not-the-session-token', 'X-Amz-Target': 'RekognitionService.DescribeProjects', 'Content-Type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    assert.deepEqual(await stale.json(), {
      __type: 'UnrecognizedClientException',
      Message: 'The session token is not valid for this Loupe server. Sign in again.',
      MessageCode: 'SessionTokenInvalid',
      MessageParams: {},
    });
    const wrongPath = await fetch(`${harness.server.url}/api/nothing`, { method: 'POST', body: '{}' });
    assert.equal(wrongPath.status, 404);
    assert.deepEqual(await wrongPath.json(), {
      __type: 'UnknownOperationException',
      Message: 'POST /api/nothing is not an API path; send API requests to /.',
      MessageCode: 'NotAnApiPath',
      MessageParams: { path: '/api/nothing' },
    });
    assert.equal(formatMessage('InternalError'), 'Loupe experienced an internal error. The log has the details.');
  });

  it('issue 15: a missing resource and a Lookout for Vision refusal keep the service’s error name and English for SDK clients', async () => {
    const client = rekognitionClient(harness, 'us-east-1');
    const arn = 'arn:aws:rekognition:us-east-1:123456789012:project/none/1';
    await assert.rejects(client.send(new DeleteProjectCommand({ ProjectArn: arn })), (error: Error) => {
      assert.equal(error.name, 'ResourceNotFoundException');
      assert.match(error.message, /^The project arn:aws:rekognition:.*project\/none\/1 does not exist\.$/);
      return true;
    });
    await assert.rejects(client.send(new DescribeProjectsCommand({ NextToken: 'not-a-token' })), (error: Error) => {
      assert.equal(error.name, 'InvalidPaginationTokenException');
      assert.equal(error.message, 'The NextToken is not valid. Use the token of a previous response.');
      return true;
    });
    const lookout = new LookoutVisionClient({ endpoint: harness.server.url, region: 'us-east-1', credentials: localKeys(harness) });
    await assert.rejects(lookout.send(new DescribeProjectCommand({ ProjectName: 'absent' })), (error: Error) => {
      assert.equal(error.name, 'ResourceNotFoundException');
      assert.equal(error.message, 'The project absent does not exist (ProjectName).');
      // The SDK keeps the body's extra members on the exception: the code the UI words it from.
      assert.equal((error as Error & { MessageCode?: string }).MessageCode, 'LfvProjectNotFound');
      return true;
    });
    const coded = await signedFetch(harness, { target: 'RekognitionService.DeleteProject', body: JSON.stringify({ ProjectArn: arn }) });
    const body = (await coded.json()) as { MessageCode?: string };
    assert.equal(body.MessageCode, 'NoSuchProject');
  });
});
