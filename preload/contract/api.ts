/**
 * THE contract: every operation Loupe offers, with its input schema and output type, and every
 * event. The same name is the IPC channel, the HTTP `X-Amz-Target` suffix
 * (`RekognitionService.<Op>` or `LoupeService.<Op>`) and, kebab-cased, the CLI command.
 *
 * Adding an operation: add its input schema to schemas.ts, its output type and an entry below,
 * a handler to main/api/catalogue.ts (the build fails until you do), and a test under test/main.
 */
import type { z } from 'zod';
import type { Result } from './errors';
import { lookoutVisionOperations } from './lookoutvision';
import { EVENT_NAMES, type OPERATION_NAMES, type REKOGNITION_OPERATIONS } from './names';
import * as s from './schemas';

/** Seconds since the epoch, fractional: how JSON 1.1 carries timestamps. */
export type EpochSeconds = number;

export type ProjectStatus = 'CREATING' | 'CREATED' | 'DELETING';
export type DatasetStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_COMPLETE'
  | 'CREATE_FAILED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_FAILED'
  | 'DELETE_IN_PROGRESS';
export type DatasetStatusMessageCode = 'SUCCESS' | 'SERVICE_ERROR' | 'CLIENT_ERROR';
export type ProjectVersionStatus =
  | 'TRAINING_IN_PROGRESS'
  | 'TRAINING_COMPLETED'
  | 'TRAINING_FAILED'
  | 'STARTING'
  | 'RUNNING'
  | 'FAILED'
  | 'STOPPING'
  | 'STOPPED'
  | 'DELETING'
  | 'COPYING_IN_PROGRESS'
  | 'COPYING_COMPLETED'
  | 'COPYING_FAILED';

export interface DatasetMetadata {
  CreationTimestamp: EpochSeconds;
  DatasetType: 'TRAIN' | 'TEST';
  DatasetArn: string;
  Status: DatasetStatus;
  StatusMessage: string;
  StatusMessageCode: DatasetStatusMessageCode;
}

export interface ProjectDescription {
  ProjectArn: string;
  CreationTimestamp: EpochSeconds;
  Status: ProjectStatus;
  Datasets: DatasetMetadata[];
  /** ANOMALY_DETECTION: a Lookout for Vision project (good-only anomaly detection). */
  Feature: 'CUSTOM_LABELS' | 'CONTENT_MODERATION' | 'ANOMALY_DETECTION';
  AutoUpdate?: 'ENABLED' | 'DISABLED';
}

export interface DatasetStats {
  LabeledEntries: number;
  TotalEntries: number;
  TotalLabels: number;
  ErrorEntries: number;
}

export interface DatasetDescription {
  CreationTimestamp: EpochSeconds;
  LastUpdatedTimestamp: EpochSeconds;
  Status: DatasetStatus;
  StatusMessage: string;
  StatusMessageCode: DatasetStatusMessageCode;
  DatasetStats: DatasetStats;
}

export interface S3Location {
  S3Object: { Bucket: string; Name: string; Version?: string };
}

export interface GroundTruthAssets {
  Assets: { GroundTruthManifest: S3Location }[];
  /** TestingData only: the test set was split off the training dataset. */
  AutoCreate?: boolean;
}

export interface ProjectVersionDescription {
  ProjectVersionArn: string;
  CreationTimestamp: EpochSeconds;
  Status: ProjectVersionStatus;
  StatusMessage: string;
  VersionDescription?: string;
  BillableTrainingTimeInSeconds?: number;
  TrainingEndTimestamp?: EpochSeconds;
  OutputConfig?: { S3Bucket: string; S3KeyPrefix: string };
  TrainingDataResult?: { Input?: GroundTruthAssets; Output?: GroundTruthAssets; Validation?: GroundTruthAssets };
  TestingDataResult?: { Input?: GroundTruthAssets; Output?: GroundTruthAssets; Validation?: GroundTruthAssets };
  EvaluationResult?: { F1Score: number; Summary: S3Location };
  ManifestSummary?: S3Location;
  KmsKeyId?: string;
  MinInferenceUnits?: number;
  MaxInferenceUnits?: number;
  SourceProjectVersionArn?: string;
  Feature: 'CUSTOM_LABELS';
  /** Loupe: what the model does, and where it ran its training. */
  UseCase?: 'IMAGE_LEVEL_LABELS' | 'OBJECT_LOCALIZATION';
  ExecutionProvider?: string;
}

export interface CustomLabel {
  Name: string;
  /** 0–100 */
  Confidence: number;
  Geometry?: { BoundingBox: { Width: number; Height: number; Left: number; Top: number } };
}

/** One test image's result: what it carries and what the model said, each marked TP/FP/FN. */
export interface TestImageResult {
  SourceRef: string;
  FileName: string;
  /** The entry in the test dataset, when it still exists (for pictures and relabeling). */
  EntryId?: number;
  Width: number;
  Height: number;
  Labels: { Name: string; Confidence: number; Result: 'TRUE_POSITIVE' | 'FALSE_POSITIVE' | 'FALSE_NEGATIVE' | 'TRUE_NEGATIVE' }[];
  /** Detection: boxes in image pixels; ground truth has Result GROUND_TRUTH. */
  Boxes?: {
    Name: string;
    Confidence?: number;
    Result: 'TRUE_POSITIVE' | 'FALSE_POSITIVE' | 'FALSE_NEGATIVE' | 'GROUND_TRUTH';
    Left: number;
    Top: number;
    Width: number;
    Height: number;
  }[];
}

/**
 * What training chose by validation inside the training data (what the model sees, which layers,
 * which weighting…) and the held-out score of every candidate it compared. Kept in the model file.
 */
export interface TrainingChoices {
  chosen: Record<string, string | number | boolean>;
  candidates: { settings: Record<string, string | number | boolean>; metric: string; score: number; seconds?: number }[];
}

export interface EvaluationDescription {
  /** The summary file, as written (EvaluationSummary-<project>-<version>.json). */
  Summary: Record<string, unknown>;
  /** Precision and recall against threshold per label. */
  Curves: Record<string, { threshold: number; precision: number; recall: number }[]>;
  ManifestSummary?: Record<string, unknown>;
  TestResults: TestImageResult[];
  TrainingImages: number;
  TrainingLabels: number;
  /** Thresholds saved on the version (PutProjectVersionThresholds), label → score; the assumed ones are in Summary. */
  ChosenThresholds: Record<string, number>;
  /** What training chose and the candidates it compared (absent for models that did not record it). */
  Choices?: TrainingChoices;
}

export interface Backbone {
  Id: string;
  Title: string;
  Licence: string;
  /** BUILT_IN: built at install from npm-shipped weights; REGISTERED: a file a user added; DOWNLOADED: a pinned file Loupe fetched. */
  Source: 'BUILT_IN' | 'REGISTERED' | 'DOWNLOADED';
  /** DOWNLOADED: where the file came from. */
  SourceUrl?: string;
  InputWidth: number;
  InputHeight: number;
  Outputs: { Name: string; Size: number; Role: 'final' | 'middle' }[];
  /** Training uses the default backbone. */
  Default: boolean;
}

/** A pinned ImageNet backbone Loupe can download (native/models catalogue). */
export interface DownloadableBackbone {
  Id: string;
  Title: string;
  Licence: string;
  /** Where it is fetched from (a mirror's URL when one is set). */
  Url: string;
  SizeBytes: number;
  /** Hex SHA-256 the downloaded file must have. */
  Sha256: string;
  InputWidth: number;
  InputHeight: number;
  /** Size of the embedding it gives. */
  EmbeddingSize: number;
  /** Downloaded and registered already (ListBackbones lists it). */
  Present: boolean;
  /** Its download job, while one runs. */
  JobId?: number;
}

export interface ProjectPolicy {
  ProjectArn: string;
  PolicyName: string;
  PolicyRevisionId: string;
  PolicyDocument: string;
  CreationTimestamp: EpochSeconds;
  LastUpdatedTimestamp: EpochSeconds;
}

/** App-only: what the Projects screen shows per project (the console's columns). */
export interface ProjectSummary {
  ProjectArn: string;
  ProjectName: string;
  CreationTimestamp: EpochSeconds;
  Status: ProjectStatus;
  VersionCount: number;
  Datasets: DatasetMetadata[];
  /** The newest model version, if any: its F1 (Model performance), status and message. */
  LatestVersion?: {
    VersionName: string;
    Status: ProjectVersionStatus;
    StatusMessage: string;
    F1Score?: number;
  };
  /** The trained version with the best F1 that can still run, when there is one (the list shows it). */
  BestVersion?: {
    VersionName: string;
    Status: ProjectVersionStatus;
    StatusMessage: string;
    F1Score?: number;
  };
}

export interface DatasetLabelDescription {
  LabelName: string;
  LabelStats: { EntryCount: number; BoundingBoxCount: number };
  /** Loupe's addition: when the label was added, so hotkeys and colours keep their order as labels come. */
  CreationTimestamp?: EpochSeconds;
}

/** One image of a dataset as galleries show it. Boxes are pixels of the oriented image. */
export interface EntryView {
  EntryId: number;
  SourceRef: string;
  FileName: string;
  Width?: number;
  Height?: number;
  Format?: string;
  SizeBytes?: number;
  ContentHash?: string;
  /** Other entries of the dataset with exactly the same bytes. */
  DuplicateCount: number;
  Labels: string[];
  Boxes: { Label: string; Left: number; Top: number; Width: number; Height: number }[];
  /** Errors and warnings with the guide's codes. */
  Errors: { Code: string; Message: string; Level: string }[];
  Revision: number;
}

/** An entry's annotations as labeling edits them; also the "before" an undo puts back. */
export interface EntryAnnotations {
  EntryId: number;
  Labels: string[];
  Boxes: { Label: string; Left: number; Top: number; Width: number; Height: number }[];
}

/** What a labeling edit did: the new revisions, and the annotations it replaced (for undo). */
export interface AnnotationChange {
  Entries: { EntryId: number; Revision: number }[];
  Before: EntryAnnotations[];
}

/** A folder whose images Loupe keeps in a dataset as they come and go. */
export interface WatchedFolder {
  DatasetArn: string;
  Folder: string;
  AutoLabel: boolean;
  CreationTimestamp: EpochSeconds;
  /** WATCHING, or ERROR when the folder cannot be watched (Message says why). */
  Status: 'WATCHING' | 'ERROR';
  Message?: string;
  /** Entries of the dataset whose image lives in this folder. */
  EntryCount: number;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A long-running piece of work (an import, a training run) with its progress. */
export interface Job {
  JobId: number;
  Kind: string;
  ResourceArn?: string;
  Status: JobStatus;
  Phase?: string;
  /** 0–1 */
  Progress: number;
  Done?: number;
  Total?: number;
  /** Items per second over the job so far. */
  Rate?: number;
  /** Estimated seconds left. */
  EtaSeconds?: number;
  Message?: string;
  CreationTimestamp: EpochSeconds;
  EndTimestamp?: EpochSeconds;
}

export interface Settings {
  Language: s.Language;
  /** Whether leaving a kiosk view asks for a PIN (kept hashed by the backend, for every window and kiosk page). */
  KioskPinSet: boolean;
}

export interface ApiCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  Region: string;
  /** The HTTP endpoint when the API is being served, else absent. */
  Endpoint?: string;
}

export interface AppInfo {
  Name: string;
  Version: string;
  Versions: Record<string, string>;
  Platform: string;
  Home: string;
}

/** A version's use on one UTC day, as the service's CloudWatch metrics would report it. */
export interface UsageDay {
  ProjectVersionArn: string;
  /** YYYY-MM-DD, UTC. */
  Day: string;
  RunningHours: number;
  InferenceUnitHours: number;
  ImagesAnalysed: number;
  Errors: number;
}

/** Inference units in service from StartTimestamp to EndTimestamp (absent while still running). */
export interface UsageInterval {
  ProjectVersionArn: string;
  StartTimestamp: EpochSeconds;
  EndTimestamp?: EpochSeconds;
  InferenceUnits: number;
}

export interface Usage {
  Days: UsageDay[];
  Intervals: UsageInterval[];
}

/** What `loupe doctor` and Settings report: what this machine has for running Loupe, and what is in use. */
export interface SystemReport {
  Runtime: { Node: string; Electron?: string; Platform: string; Arch: string };
  /** SQLite's compiled modules: node_modules' Node build and the app's Electron build; one is in use. */
  Sqlite: { InUse: 'node' | 'electron'; Builds: SqliteBuild[] };
  ExecutionProviders: {
    /** The providers tried, in order (DirectML, CoreML or CUDA where present, then CPU). */
    Ladder: string[];
    /** The provider a model loads on here. */
    InUse: string;
    FellBack: { Provider: string; Reason: string }[];
    /** What the installed ONNX Runtime knows, and whether each ships with it. */
    Known: { Name: string; Bundled: boolean }[];
    /** Linux: the CUDA provider's library (installed by `npm run gpu:cuda`). */
    Cuda?: { Library: string; Present: boolean };
  };
  Home: { Path: string; Exists: boolean; Readable: boolean; Writable: boolean; Mode?: string };
  Disk: { Path: string; FreeBytes: number; TotalBytes: number };
}

export interface SqliteBuild {
  Kind: 'node' | 'electron';
  File: string;
  Present: boolean;
  InUse: boolean;
  /** The Electron build's stamp: `electron 45.5.0, linux x64`. */
  BuiltFor?: string;
}

export interface BucketMapping {
  Bucket: string;
  Folder: string;
  CreationTimestamp: EpochSeconds;
}

type Op<Input extends z.ZodType, Output, Service extends 'RekognitionService' | 'LoupeService' | 'LookoutVisionService'> = {
  service: Service;
  input: Input;
  /** Phantom: carries the output type; never read at runtime. */
  output?: Output;
};
const rekognition = <I extends z.ZodType, O>(input: I): Op<I, O, 'RekognitionService'> => ({
  service: 'RekognitionService',
  input,
});
const loupe = <I extends z.ZodType, O>(input: I): Op<I, O, 'LoupeService'> => ({ service: 'LoupeService', input });

type Empty = Record<string, never>;

export const operations = {
  // The service's operations: same names, fields and errors.
  CreateProject: rekognition<typeof s.CreateProjectInput, { ProjectArn: string }>(s.CreateProjectInput),
  DescribeProjects: rekognition<
    typeof s.DescribeProjectsInput,
    { ProjectDescriptions: ProjectDescription[]; NextToken?: string }
  >(s.DescribeProjectsInput),
  DeleteProject: rekognition<typeof s.DeleteProjectInput, { Status: ProjectStatus }>(s.DeleteProjectInput),
  CreateDataset: rekognition<typeof s.CreateDatasetInput, { DatasetArn: string }>(s.CreateDatasetInput),
  DescribeDataset: rekognition<typeof s.DescribeDatasetInput, { DatasetDescription: DatasetDescription }>(
    s.DescribeDatasetInput,
  ),
  DeleteDataset: rekognition<typeof s.DeleteDatasetInput, Empty>(s.DeleteDatasetInput),
  ListDatasetEntries: rekognition<typeof s.ListDatasetEntriesInput, { DatasetEntries: string[]; NextToken?: string }>(
    s.ListDatasetEntriesInput,
  ),
  ListDatasetLabels: rekognition<
    typeof s.ListDatasetLabelsInput,
    { DatasetLabelDescriptions: DatasetLabelDescription[]; NextToken?: string }
  >(s.ListDatasetLabelsInput),
  UpdateDatasetEntries: rekognition<typeof s.UpdateDatasetEntriesInput, Empty>(s.UpdateDatasetEntriesInput),
  DistributeDatasetEntries: rekognition<typeof s.DistributeDatasetEntriesInput, Empty>(s.DistributeDatasetEntriesInput),
  CreateProjectVersion: rekognition<typeof s.CreateProjectVersionInput, { ProjectVersionArn: string }>(
    s.CreateProjectVersionInput,
  ),
  DescribeProjectVersions: rekognition<
    typeof s.DescribeProjectVersionsInput,
    { ProjectVersionDescriptions: ProjectVersionDescription[]; NextToken?: string }
  >(s.DescribeProjectVersionsInput),
  StartProjectVersion: rekognition<typeof s.StartProjectVersionInput, { Status: ProjectVersionStatus }>(
    s.StartProjectVersionInput,
  ),
  StopProjectVersion: rekognition<typeof s.StopProjectVersionInput, { Status: ProjectVersionStatus }>(
    s.StopProjectVersionInput,
  ),
  DeleteProjectVersion: rekognition<typeof s.DeleteProjectVersionInput, { Status: ProjectVersionStatus }>(
    s.DeleteProjectVersionInput,
  ),
  DetectCustomLabels: rekognition<typeof s.DetectCustomLabelsInput, { CustomLabels: CustomLabel[] }>(
    s.DetectCustomLabelsInput,
  ),
  ListBackbones: loupe<typeof s.EmptyInput, { Backbones: Backbone[] }>(s.EmptyInput),
  RegisterBackbone: loupe<typeof s.RegisterBackboneInput, { Backbone: Backbone }>(s.RegisterBackboneInput),
  SetDefaultBackbone: loupe<typeof s.SetDefaultBackboneInput, Empty>(s.SetDefaultBackboneInput),
  ListDownloadableBackbones: loupe<typeof s.EmptyInput, { Backbones: DownloadableBackbone[] }>(s.EmptyInput),
  DownloadBackbone: loupe<typeof s.DownloadBackboneInput, { JobId: number }>(s.DownloadBackboneInput),
  ExportModelPackage: loupe<typeof s.ExportModelPackageInput, { Folder: string }>(s.ExportModelPackageInput),
  ImportModelPackage: loupe<typeof s.ImportModelPackageInput, { ProjectVersionArn: string }>(s.ImportModelPackageInput),
  DescribeEvaluation: loupe<typeof s.DescribeEvaluationInput, EvaluationDescription>(s.DescribeEvaluationInput),
  PutProjectVersionThresholds: loupe<typeof s.PutProjectVersionThresholdsInput, { Thresholds: Record<string, number> }>(
    s.PutProjectVersionThresholdsInput,
  ),
  CopyProjectVersion: rekognition<typeof s.CopyProjectVersionInput, { ProjectVersionArn: string }>(
    s.CopyProjectVersionInput,
  ),
  PutProjectPolicy: rekognition<typeof s.PutProjectPolicyInput, { PolicyRevisionId: string }>(s.PutProjectPolicyInput),
  ListProjectPolicies: rekognition<
    typeof s.ListProjectPoliciesInput,
    { ProjectPolicies: ProjectPolicy[]; NextToken?: string }
  >(s.ListProjectPoliciesInput),
  DeleteProjectPolicy: rekognition<typeof s.DeleteProjectPolicyInput, Empty>(s.DeleteProjectPolicyInput),
  TagResource: rekognition<typeof s.TagResourceInput, Empty>(s.TagResourceInput),
  UntagResource: rekognition<typeof s.UntagResourceInput, Empty>(s.UntagResourceInput),
  ListTagsForResource: rekognition<typeof s.ListTagsForResourceInput, { Tags: Record<string, string> }>(
    s.ListTagsForResourceInput,
  ),

  // App operations.
  ListProjectSummaries: loupe<typeof s.EmptyInput, { Projects: ProjectSummary[] }>(s.EmptyInput),
  DeleteProjectCascade: loupe<typeof s.DeleteProjectCascadeInput, { Status: ProjectStatus }>(
    s.DeleteProjectCascadeInput,
  ),
  ListEntries: loupe<typeof s.ListEntriesInput, { Entries: EntryView[]; TotalCount: number }>(s.ListEntriesInput),
  PutEntryAnnotations: loupe<typeof s.PutEntryAnnotationsInput, AnnotationChange>(s.PutEntryAnnotationsInput),
  AssignImageLabels: loupe<typeof s.AssignImageLabelsInput, AnnotationChange>(s.AssignImageLabelsInput),
  RemoveEntries: loupe<typeof s.RemoveEntriesInput, { RemovedCount: number; UndoToken: string }>(s.RemoveEntriesInput),
  RestoreEntries: loupe<typeof s.RestoreEntriesInput, { RestoredCount: number }>(s.RestoreEntriesInput),
  CreateLabels: loupe<typeof s.CreateLabelsInput, { Added: string[] }>(s.CreateLabelsInput),
  RenameLabel: loupe<typeof s.RenameLabelInput, Empty>(s.RenameLabelInput),
  DeleteLabel: loupe<typeof s.DeleteLabelInput, AnnotationChange & { ImageCount: number; BoxCount: number }>(
    s.DeleteLabelInput,
  ),
  DescribeLabelUsage: loupe<typeof s.DescribeLabelUsageInput, { ImageCount: number; BoxCount: number }>(
    s.DescribeLabelUsageInput,
  ),
  CopyLabels: loupe<typeof s.CopyLabelsInput, { Added: string[] }>(s.CopyLabelsInput),
  CheckFolder: loupe<typeof s.CheckFolderInput, { Folder: string }>(s.CheckFolderInput),
  ImportFolder: loupe<typeof s.ImportFolderInput, { JobId: number }>(s.ImportFolderInput),
  ImportFiles: loupe<typeof s.ImportFilesInput, { JobId: number }>(s.ImportFilesInput),
  ImportAnnotations: loupe<typeof s.ImportAnnotationsInput, { JobId: number }>(s.ImportAnnotationsInput),
  ExportDataset: loupe<typeof s.ExportDatasetInput, { JobId: number; Folder: string }>(s.ExportDatasetInput),
  WatchFolder: loupe<typeof s.WatchFolderInput, { WatchedFolder: WatchedFolder }>(s.WatchFolderInput),
  UnwatchFolder: loupe<typeof s.UnwatchFolderInput, Empty>(s.UnwatchFolderInput),
  ListWatchedFolders: loupe<typeof s.ListWatchedFoldersInput, { WatchedFolders: WatchedFolder[] }>(
    s.ListWatchedFoldersInput,
  ),
  ListJobs: loupe<typeof s.ListJobsInput, { Jobs: Job[] }>(s.ListJobsInput),
  CancelJob: loupe<typeof s.CancelJobInput, { Job: Job }>(s.CancelJobInput),
  GetSettings: loupe<typeof s.EmptyInput, Settings>(s.EmptyInput),
  UpdateSettings: loupe<typeof s.UpdateSettingsInput, Settings>(s.UpdateSettingsInput),
  SetKioskPin: loupe<typeof s.SetKioskPinInput, Settings>(s.SetKioskPinInput),
  VerifyKioskPin: loupe<
    typeof s.VerifyKioskPinInput,
    /** After a wrong PIN: wrong PINs left before the pad locks, and how long it is locked for. */
    { Verified: boolean; AttemptsLeft?: number; RetryAfterSeconds?: number }
  >(s.VerifyKioskPinInput),
  GetApiCredentials: loupe<typeof s.EmptyInput, ApiCredentials>(s.EmptyInput),
  GetAppInfo: loupe<typeof s.EmptyInput, AppInfo>(s.EmptyInput),
  DescribeSystem: loupe<typeof s.EmptyInput, SystemReport>(s.EmptyInput),
  CreateBucketMapping: loupe<typeof s.CreateBucketMappingInput, BucketMapping>(s.CreateBucketMappingInput),
  ListBucketMappings: loupe<typeof s.EmptyInput, { BucketMappings: BucketMapping[] }>(
    s.EmptyInput,
  ),
  DeleteBucketMapping: loupe<typeof s.DeleteBucketMappingInput, Empty>(s.DeleteBucketMappingInput),
  DescribeUsage: loupe<typeof s.DescribeUsageInput, Usage>(s.DescribeUsageInput),

  // Lookout for Vision (REST-JSON under /2020-11-20/).
  ...lookoutVisionOperations,
} as const;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type InputOf<N extends OperationName> = z.input<Operations[N]['input']>;
export type ParsedInputOf<N extends OperationName> = z.output<Operations[N]['input']>;
export type OutputOf<N extends OperationName> = NonNullable<Operations[N]['output']>;

export const operationNames = Object.keys(operations) as OperationName[];

// names.ts must list exactly the operations and events above (the preload imports only it).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const namesAgree: Same<(typeof OPERATION_NAMES)[number], OperationName> = true;
type ServiceOperation = { [N in OperationName]: Operations[N]['service'] extends 'RekognitionService' ? N : never }[OperationName];
const servicesAgree: Same<(typeof REKOGNITION_OPERATIONS)[number], ServiceOperation> = true;
void servicesAgree;
const eventsAgree: Same<(typeof EVENT_NAMES)[number], EventName> = true;
void namesAgree;
void eventsAgree;

export function isOperationName(name: string): name is OperationName {
  return Object.prototype.hasOwnProperty.call(operations, name);
}

/** Events pushed to every subscriber (IPC, Server-Sent Events). Past tense or progress nouns. */
export interface Events {
  /** Something about these resources changed; screens showing them refetch. */
  ResourcesChanged: { ResourceArns: string[] };
  SettingsChanged: Settings;
  /** A job started, advanced or ended. */
  JobProgressed: Job;
}
export type EventName = keyof Events;
export const eventNames: EventName[] = [...EVENT_NAMES];

/** `CreateProject` → `create-project`: the CLI command and the AWS CLI's spelling. */
export function toKebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** What `window.loupe` is, inside Electron; renderer/api implements the same over HTTP. */
export interface LoupeBridge {
  call(name: string, input: unknown): Promise<Result<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** The absolute path of a file or folder the user dropped or picked (Electron's `webUtils.getPathForFile`). */
  pathForFile?(file: File): string;
  /** Desktop app only: open a route (`/kiosk/<project>/<version>`) in a full-screen kiosk window of its own. */
  openKiosk?(route: string): Promise<void>;
  /** Desktop app only, from the kiosk window: close it (the page has checked the PIN). */
  closeKiosk?(): Promise<void>;
}
