/**
 * The handler table: one entry per operation in preload/contract/api.ts, checked by the compiler
 * (a missing or mistyped handler fails the build). Transports never import handlers directly.
 */
import type { OperationName, OutputOf, ParsedInputOf } from '../../preload/contract';
import { createBucketMapping, deleteBucketMapping, listBucketMappings } from '../datasets/bucketMappings';
import { createDataset, deleteDataset, describeDataset } from '../datasets';
import {
  distributeDatasetEntries,
  listDatasetEntries,
  listDatasetLabels,
  listEntries,
  updateDatasetEntries,
} from '../datasets/entries';
import { importFiles, importFolder } from '../datasets/imports';
import { removeEntries, restoreEntries } from '../datasets/removal';
import { checkFolder } from '../datasets/checkFolder';
import { exportDataset, importAnnotations } from '../datasets/transfer';
import { cancelJob, listJobs } from '../jobs';
import {
  assignImageLabels,
  copyLabels,
  createLabels,
  deleteLabel,
  describeLabelUsage,
  putEntryAnnotations,
  renameLabel,
} from '../labels';
import { listWatchedFolders, unwatchFolder, watchFolder } from '../watch';
import {
  createProject,
  deleteProject,
  deleteProjectCascade,
  describeProjects,
  listProjectSummaries,
} from '../projects';
import { deleteProjectPolicy, listProjectPolicies, putProjectPolicy } from '../projects/policies';
import { listTagsForResource, tagResource, untagResource } from '../projects/tags';
import {
  deleteProjectVersion,
  describeProjectVersions,
  detectCustomLabels,
  detectImageAnomalies,
  putProjectVersionThresholds,
  startProjectVersion,
  stopProjectVersion,
} from '../models';
import { copyProjectVersion } from '../models/copy';
import { exportModelPackage, importModelPackage } from '../models/package';
import { exportModelRepository } from '../models/repository';
import { describeUsage } from '../models/usage';
import { describeEvaluation, getTestHeatMap } from '../evaluation/describe';
import { createProjectVersion } from '../training';
import { listBackbones, registerBackbone, setDefaultBackbone } from '../training/backbones';
import { downloadBackbone, listDownloadableBackbones } from '../training/backboneDownload';
import { getApiCredentials, getAppInfo, getSettings, setKioskPin, updateSettings, verifyKioskPin } from '../settings';
import { describeSystem } from '../settings/system';
import { lookoutVisionHandlers } from '../lookoutvision';
import type { Context } from '../core/context';

type Handlers = {
  [N in OperationName]: (ctx: Context, input: ParsedInputOf<N>) => OutputOf<N> | Promise<OutputOf<N>>;
};

export const handlers: Handlers = {
  CreateProject: createProject,
  DescribeProjects: describeProjects,
  DeleteProject: deleteProject,
  CreateDataset: createDataset,
  DescribeDataset: describeDataset,
  DeleteDataset: deleteDataset,
  ListDatasetEntries: listDatasetEntries,
  ListDatasetLabels: listDatasetLabels,
  UpdateDatasetEntries: updateDatasetEntries,
  DistributeDatasetEntries: distributeDatasetEntries,
  ListEntries: listEntries,
  PutEntryAnnotations: putEntryAnnotations,
  CheckFolder: checkFolder,
  RemoveEntries: removeEntries,
  RestoreEntries: restoreEntries,
  AssignImageLabels: assignImageLabels,
  CreateLabels: createLabels,
  RenameLabel: renameLabel,
  DeleteLabel: deleteLabel,
  DescribeLabelUsage: describeLabelUsage,
  DescribeUsage: describeUsage,
  CopyLabels: copyLabels,
  ImportFolder: importFolder,
  ImportFiles: importFiles,
  ImportAnnotations: importAnnotations,
  ExportDataset: exportDataset,
  WatchFolder: watchFolder,
  UnwatchFolder: unwatchFolder,
  ListWatchedFolders: listWatchedFolders,
  ListJobs: listJobs,
  CancelJob: cancelJob,
  CreateProjectVersion: createProjectVersion,
  DescribeProjectVersions: describeProjectVersions,
  StartProjectVersion: startProjectVersion,
  StopProjectVersion: stopProjectVersion,
  DeleteProjectVersion: deleteProjectVersion,
  DetectCustomLabels: detectCustomLabels,
  ListBackbones: listBackbones,
  RegisterBackbone: registerBackbone,
  SetDefaultBackbone: setDefaultBackbone,
  ListDownloadableBackbones: listDownloadableBackbones,
  DownloadBackbone: downloadBackbone,
  ExportModelPackage: exportModelPackage,
  ExportModelRepository: exportModelRepository,
  ImportModelPackage: importModelPackage,
  DescribeEvaluation: describeEvaluation,
  DetectImageAnomalies: detectImageAnomalies,
  GetTestHeatMap: getTestHeatMap,
  PutProjectVersionThresholds: putProjectVersionThresholds,
  CopyProjectVersion: copyProjectVersion,
  PutProjectPolicy: putProjectPolicy,
  ListProjectPolicies: listProjectPolicies,
  DeleteProjectPolicy: deleteProjectPolicy,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  ListProjectSummaries: listProjectSummaries,
  DeleteProjectCascade: deleteProjectCascade,
  GetSettings: getSettings,
  UpdateSettings: updateSettings,
  SetKioskPin: setKioskPin,
  VerifyKioskPin: verifyKioskPin,
  GetApiCredentials: getApiCredentials,
  GetAppInfo: getAppInfo,
  DescribeSystem: describeSystem,
  CreateBucketMapping: createBucketMapping,
  ListBucketMappings: listBucketMappings,
  DeleteBucketMapping: deleteBucketMapping,
  ...lookoutVisionHandlers,
};
