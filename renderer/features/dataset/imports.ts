/**
 * Importing what the user dropped, picked or typed into a dataset, in the background: uploads
 * first when the page runs in a browser, then one ImportFolder per folder and one ImportFiles for
 * loose files, each waiting for the dataset to be free (the backend refuses a second import while
 * one is writing). Progress and failures go to the job store; nothing here throws to the page.
 */
import { call, statusError, resolveSelection, type DropSelection } from '../../api';
import { followJob, startTask, waitForIdle, waitForJob } from './jobStore';

export interface ImportRequest {
  datasetArn: string;
  /** Dropped or picked items (uploaded first in a browser). */
  selection?: DropSelection;
  /** Folders on the machine that runs Loupe, typed by the user. */
  folders?: string[];
  autoLabel: boolean;
  /** A child folder's name → the label its images get (ImportFolder's FolderLabels). */
  folderLabels?: Record<string, string> | undefined;
}

/** Runs the imports; resolves (never rejects) with whether every step succeeded. */
export async function importIntoDataset(request: ImportRequest): Promise<boolean> {
  const { datasetArn } = request;
  const folders = [...(request.folders ?? [])];
  const files: string[] = [];
  let skipped: Record<string, number> = {};

  if (request.selection) {
    const controller = new AbortController();
    const upload = startTask('upload', datasetArn, { cancel: () => controller.abort() });
    try {
      const paths = await resolveSelection(request.selection, {
        signal: controller.signal,
        onProgress: ({ done, total }) => upload.progress(done, total),
      });
      folders.push(...paths.folders);
      files.push(...paths.files);
      skipped = paths.skipped;
      if (paths.failed > 0) upload.finish('succeeded', { failed: paths.failed });
      else upload.remove();
    } catch (error) {
      upload.finish(controller.signal.aborted ? 'cancelled' : 'failed', controller.signal.aborted ? {} : { error });
      return false;
    }
  }

  let ok = true;
  // What the browser left out is told once, by the first import's summary.
  const hasSkipped = Object.keys(skipped).length > 0;
  const steps: (() => Promise<{ JobId: number }>)[] = [
    ...folders.map(
      (folder, i) => () =>
        call('ImportFolder', {
          DatasetArn: datasetArn,
          Folder: folder,
          AutoLabel: request.autoLabel,
          ...(request.folderLabels ? { FolderLabels: request.folderLabels } : {}),
          ...(i === 0 && hasSkipped ? { SkippedFiles: skipped } : {}),
        }),
    ),
    ...(files.length > 0 ? [() => call('ImportFiles', { DatasetArn: datasetArn, Files: files, ...(folders.length === 0 && hasSkipped ? { SkippedFiles: skipped } : {}) })] : []),
  ];
  for (const step of steps) {
    try {
      await waitForIdle(datasetArn);
      const { JobId } = await step();
      followJob(JobId);
      const job = await waitForJob(JobId, datasetArn);
      ok &&= job.Status === 'succeeded';
    } catch (error) {
      startTask('import', datasetArn).finish('failed', { error });
      ok = false;
    }
  }
  return ok;
}

/**
 * The test dataset from 20% of the training dataset (DistributeDatasetEntries), once the training
 * dataset's imports have finished.
 */
export async function splitWhenReady(trainArn: string, testArn: string, trainReady: Promise<boolean>): Promise<void> {
  const task = startTask('split', testArn);
  try {
    const ready = await trainReady;
    if (!ready) {
      task.finish('cancelled');
      return;
    }
    await waitForIdle(trainArn);
    await call('DistributeDatasetEntries', { Datasets: [{ Arn: trainArn }, { Arn: testArn }] });
    // A split that cannot give every label to both sides fails the datasets, not the call.
    const { DatasetDescription } = await call('DescribeDataset', { DatasetArn: testArn });
    if (DatasetDescription.Status === 'UPDATE_FAILED') {
      task.finish('failed', { error: statusError(DatasetDescription.StatusMessage) });
    } else task.finish('succeeded');
  } catch (error) {
    task.finish('failed', { error });
  }
}
