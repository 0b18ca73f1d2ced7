/** A classifier trained end to end on generated blobs-and-stripes folders, through the operations. */
import { join } from 'node:path';
import { waitForJob, type JobHandle } from '../../main/jobs';
import type { ProjectVersionDescription } from '../../preload/contract';
import { classFolder } from './classes';
import { tempDir, type TestLoupe } from './loupe';

/**
 * A project `projectName` with a TRAIN and a TEST dataset imported from generated class folders
 * (`train` and `test` images per class), and its version v1 trained to the end of its job.
 */
export async function trainOnClassFolders(loupe: TestLoupe, projectName: string, perClass: { train: number; test: number }): Promise<ProjectVersionDescription> {
  const root = tempDir();
  await classFolder(join(root, 'train'), perClass.train, 0);
  await classFolder(join(root, 'test'), perClass.test, 50);
  const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: projectName });
  for (const [type, folder] of [['TRAIN', 'train'], ['TEST', 'test']] as const) {
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: type });
    await waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn, Folder: join(root, folder) })).JobId);
  }
  const { ProjectVersionArn } = await loupe.ok('CreateProjectVersion', { ProjectArn, VersionName: 'v1' });
  await waitForJob(loupe.ctx, (await loupe.ok('ListJobs', { ResourceArn: ProjectVersionArn })).Jobs[0]!.JobId);
  const [version] = (await loupe.ok('DescribeProjectVersions', { ProjectArn })).ProjectVersionDescriptions;
  return version!;
}

/** A job for calling an engine directly in a test: never cancelled, its progress dropped. */
export function quietJob(): JobHandle {
  return { id: 1, signal: new AbortController().signal, progress: () => {}, throwIfCancelled: () => {} };
}
