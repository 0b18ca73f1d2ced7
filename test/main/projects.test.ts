import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { aClock, aLoupe, type TestLoupe } from '../support/loupe';
import { sqlite } from '../../main/db/handle';

describe('projects', () => {
  let loupe: TestLoupe;
  before(() => {
    loupe = aLoupe({ now: aClock() });
  });
  after(() => loupe.dispose());

  describe('when a project is created', () => {
    it('returns an ARN with the service structure and lists it', async () => {
      const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'shelf-parts', Tags: { team: 'vision' } });
      assert.match(ProjectArn, /^arn:aws:rekognition:us-east-1:\d{12}:project\/shelf-parts\/\d{13}$/);
      const { ProjectDescriptions } = await loupe.ok('DescribeProjects', {});
      const found = ProjectDescriptions.find((p) => p.ProjectArn === ProjectArn);
      assert.ok(found);
      assert.equal(found.Status, 'CREATED');
      assert.equal(found.Feature, 'CUSTOM_LABELS');
      assert.deepEqual(found.Datasets, []);
      assert.equal(typeof found.CreationTimestamp, 'number');
      assert.deepEqual((await loupe.ok('ListTagsForResource', { ResourceArn: ProjectArn })).Tags, { team: 'vision' });
    });

    it('refuses a second project with the same name', async () => {
      const error = await loupe.fails('CreateProject', { ProjectName: 'shelf-parts' });
      assert.equal(error.code, 'ResourceInUseException');
      assert.match(error.message, /shelf-parts already exists/);
    });

    it('refuses an invalid name with a message naming the field', async () => {
      const error = await loupe.fails('CreateProject', { ProjectName: 'bad name!' });
      assert.equal(error.code, 'InvalidParameterException');
      assert.match(error.message, /Value 'bad name!' at 'ProjectName' failed to satisfy constraint/);
      const missing = await loupe.fails('CreateProject', {});
      assert.match(missing.message, /at 'ProjectName' failed to satisfy constraint: Member must not be null/);
    });

    it('refuses a tag key that starts with aws:', async () => {
      const error = await loupe.fails('CreateProject', { ProjectName: 'tagged', Tags: { 'aws:x': 'y' } });
      assert.equal(error.code, 'InvalidParameterException');
      assert.match(error.message, /Tags/);
    });
  });

  describe('when projects are described', () => {
    before(async () => {
      for (const name of ['a1', 'a2', 'a3']) await loupe.ok('CreateProject', { ProjectName: name });
    });

    it('filters by ProjectNames and ignores names that do not exist', async () => {
      const { ProjectDescriptions } = await loupe.ok('DescribeProjects', { ProjectNames: ['a2', 'nope'] });
      assert.deepEqual(
        ProjectDescriptions.map((p) => p.ProjectArn.split('/')[1]),
        ['a2'],
      );
    });

    it('pages with MaxResults and NextToken through every project exactly once', async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await loupe.ok('DescribeProjects', { MaxResults: 2, ...(token ? { NextToken: token } : {}) });
        assert.ok(page.ProjectDescriptions.length <= 2);
        seen.push(...page.ProjectDescriptions.map((p) => p.ProjectArn));
        token = page.NextToken;
        pages++;
      } while (token);
      const all = (await loupe.ok('DescribeProjects', {})).ProjectDescriptions.map((p) => p.ProjectArn);
      assert.deepEqual(seen, all);
      assert.equal(pages, Math.ceil(all.length / 2));
    });

    it('rejects a NextToken it did not issue and a MaxResults above 100', async () => {
      assert.equal((await loupe.fails('DescribeProjects', { NextToken: 'garbage' })).code, 'InvalidPaginationTokenException');
      const tooMany = await loupe.fails('DescribeProjects', { MaxResults: 101 });
      assert.equal(tooMany.code, 'InvalidParameterException');
      assert.match(tooMany.message, /MaxResults/);
    });
  });

  describe('when a project is deleted', () => {
    it('the API refuses while a dataset exists, then deletes once it is gone', async () => {
      const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'to-delete' });
      const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN' });
      const refused = await loupe.fails('DeleteProject', { ProjectArn });
      assert.equal(refused.code, 'ResourceInUseException');
      assert.match(refused.message, /1 dataset/);
      await loupe.ok('DeleteDataset', { DatasetArn });
      assert.deepEqual(await loupe.ok('DeleteProject', { ProjectArn }), { Status: 'DELETING' });
      const { ProjectDescriptions } = await loupe.ok('DescribeProjects', { ProjectNames: ['to-delete'] });
      assert.deepEqual(ProjectDescriptions, []);
      assert.equal((await loupe.fails('ListTagsForResource', { ResourceArn: ProjectArn })).code, 'ResourceNotFoundException');
    });

    it("the app's cascade removes the datasets and their tags with the project", async () => {
      const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: 'cascade' });
      const train = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TRAIN', Tags: { k: 'v' } });
      await loupe.ok('CreateDataset', { ProjectArn, DatasetType: 'TEST' });
      await loupe.ok('DeleteProjectCascade', { ProjectArn });
      assert.equal((await loupe.fails('DescribeDataset', { DatasetArn: train.DatasetArn })).code, 'ResourceNotFoundException');
      const leftovers = sqlite(loupe.ctx.db).prepare('SELECT count(*) AS n FROM tags WHERE resource_arn = ?').get(train.DatasetArn) as {
        n: number;
      };
      assert.equal(leftovers.n, 0);
    });

    it('reports an unknown ARN as ResourceNotFoundException', async () => {
      const error = await loupe.fails('DeleteProject', {
        ProjectArn: 'arn:aws:rekognition:us-east-1:000000000000:project/ghost/1700000000000',
      });
      assert.equal(error.code, 'ResourceNotFoundException');
      assert.match(error.message, /ghost/);
    });
  });

  describe('the Projects screen summary', () => {
    it('lists every project with its version count and no model yet', async () => {
      const { Projects } = await loupe.ok('ListProjectSummaries', {});
      const shelf = Projects.find((p) => p.ProjectName === 'shelf-parts');
      assert.ok(shelf);
      assert.equal(shelf.VersionCount, 0);
      assert.equal(shelf.LatestVersion, undefined);
    });
  });
});

describe('the dispatcher', () => {
  it('answers an unknown operation with UnknownOperationException', async () => {
    const loupe = aLoupe();
    try {
      const result = await loupe.invoke('LaunchRockets', {});
      assert.deepEqual(result.ok ? undefined : result.error.code, 'UnknownOperationException');
    } finally {
      loupe.dispose();
    }
  });
});
