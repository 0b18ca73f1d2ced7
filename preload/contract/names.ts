/**
 * The operation and event names alone, without their schemas: the sandboxed preload and the
 * renderer need only these, and importing them from here keeps zod out of their bundles. api.ts
 * checks at compile time that these lists and the operation map agree.
 */

/** The service's own operations, served as `RekognitionService.<Op>`. */
export const REKOGNITION_OPERATIONS = [
  'CreateProject',
  'DescribeProjects',
  'DeleteProject',
  'CreateDataset',
  'DescribeDataset',
  'DeleteDataset',
  'ListDatasetEntries',
  'ListDatasetLabels',
  'UpdateDatasetEntries',
  'DistributeDatasetEntries',
  'CreateProjectVersion',
  'DescribeProjectVersions',
  'StartProjectVersion',
  'StopProjectVersion',
  'DeleteProjectVersion',
  'CopyProjectVersion',
  'PutProjectPolicy',
  'ListProjectPolicies',
  'DeleteProjectPolicy',
  'DetectCustomLabels',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
] as const;

/** Loupe's own operations (the app, labeling, imports, jobs, settings), served as `LoupeService.<Op>`. */
export const LOUPE_OPERATIONS = [
  'ListBackbones',
  'RegisterBackbone',
  'SetDefaultBackbone',
  'ListDownloadableBackbones',
  'DownloadBackbone',
  'ExportModelPackage',
  'ExportModelRepository',
  'ImportModelPackage',
  'DescribeEvaluation',
  'DetectImageAnomalies',
  'GetTestHeatMap',
  'PutProjectVersionThresholds',
  'ListProjectSummaries',
  'DeleteProjectCascade',
  'ListEntries',
  'PutEntryAnnotations',
  'AssignImageLabels',
  'RemoveEntries',
  'RestoreEntries',
  'CreateLabels',
  'RenameLabel',
  'DeleteLabel',
  'DescribeLabelUsage',
  'CopyLabels',
  'CheckFolder',
  'ImportFolder',
  'ImportFiles',
  'ImportAnnotations',
  'ExportDataset',
  'WatchFolder',
  'UnwatchFolder',
  'ListWatchedFolders',
  'ListJobs',
  'CancelJob',
  'GetSettings',
  'UpdateSettings',
  'SetKioskPin',
  'VerifyKioskPin',
  'GetApiCredentials',
  'GetAppInfo',
  'DescribeSystem',
  'CreateBucketMapping',
  'ListBucketMappings',
  'DeleteBucketMapping',
  'DescribeUsage',
] as const;

/**
 * The Lookout for Vision operations, served as REST-JSON under /2020-11-20/ (main/server
 * routes each one). In the catalogue their names carry the `LookoutVision` prefix, because
 * CreateProject, CreateDataset and others already name Rekognition's operations.
 */
export const LOOKOUT_VISION_OPERATIONS = [
  'LookoutVisionCreateProject',
  'LookoutVisionDescribeProject',
  'LookoutVisionListProjects',
  'LookoutVisionDeleteProject',
  'LookoutVisionCreateDataset',
  'LookoutVisionDescribeDataset',
  'LookoutVisionListDatasetEntries',
  'LookoutVisionUpdateDatasetEntries',
  'LookoutVisionDeleteDataset',
  'LookoutVisionCreateModel',
  'LookoutVisionDescribeModel',
  'LookoutVisionListModels',
  'LookoutVisionDeleteModel',
  'LookoutVisionStartModel',
  'LookoutVisionStopModel',
  'LookoutVisionDetectAnomalies',
  'LookoutVisionTagResource',
  'LookoutVisionUntagResource',
  'LookoutVisionListTagsForResource',
] as const;

export const OPERATION_NAMES = [...REKOGNITION_OPERATIONS, ...LOUPE_OPERATIONS, ...LOOKOUT_VISION_OPERATIONS] as const;

export const EVENT_NAMES = ['ResourcesChanged', 'SettingsChanged', 'JobProgressed'] as const;

/** The IPC channels of the desktop shell's own actions (not operations: they act on windows). */
export const SHELL_CHANNELS = { openKiosk: 'shell:openKiosk', closeKiosk: 'shell:closeKiosk', pickPath: 'shell:pickPath' } as const;

/**
 * What the desktop app's open dialog (`shell:pickPath`) may be asked to choose: each purpose is a
 * file or a folder, with the file types it offers. The renderer names a purpose, never a filter.
 */
export const PICK_PURPOSES = {
  annotationFile: { kind: 'file', extensions: ['json', 'csv', 'txt'] },
  annotationFolder: { kind: 'folder', extensions: [] },
  imagesFolder: { kind: 'folder', extensions: [] },
  manifest: { kind: 'file', extensions: ['manifest', 'jsonl', 'json'] },
  watchedFolder: { kind: 'folder', extensions: [] },
} as const satisfies Record<string, { kind: 'file' | 'folder'; extensions: readonly string[] }>;

export type PickPurpose = keyof typeof PICK_PURPOSES;

export function isPickPurpose(value: unknown): value is PickPurpose {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PICK_PURPOSES, value);
}

/** The routes a kiosk window may show. */
export const KIOSK_ROUTE = /^\/kiosk\/[^/?#]{1,300}\/[^/?#]{1,300}$/;

/** The StatusMessage of a version whose training was cancelled (TRAINING_FAILED in the service's terms); screens show it as cancelled. */
export const TRAINING_CANCELLED_MESSAGE = 'Training was cancelled.';
