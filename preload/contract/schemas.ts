/**
 * Input schemas of every operation. The field names, ranges and patterns are the service's
 * (Rekognition API reference, `spec/guide-notes-3.md` §5); app-only operations follow the same
 * conventions (PascalCase fields, ARNs). A failed parse becomes a `ValidationException` whose
 * message names the field, as the service's does.
 *
 * Pure TypeScript plus zod: imported by main/, preload/ and (type-only) renderer/.
 */
import { z } from 'zod';

const NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;
const patternMessage = 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-]+';

export const ResourceName = z
  .string({ error: 'Member must not be null' })
  .min(1, 'Member must have length greater than or equal to 1')
  .max(255, 'Member must have length less than or equal to 255')
  .regex(NAME_PATTERN, patternMessage);

const arn = (what: string, pattern: RegExp) =>
  z
    .string({ error: 'Member must not be null' })
    .min(20, 'Member must have length greater than or equal to 20')
    .max(2048, 'Member must have length less than or equal to 2048')
    .regex(pattern, `Member must be a ${what} ARN`);

const ARN_PREFIX = String.raw`^arn:[a-z\d-]+:rekognition:[a-z\d-]+:\d{12}:project\/[a-zA-Z0-9_.\-]{1,255}`;
export const ProjectArn = arn('project', new RegExp(`${ARN_PREFIX}\\/[0-9]+$`));
export const DatasetArn = arn('dataset', new RegExp(`${ARN_PREFIX}\\/dataset\\/(train|test)\\/[0-9]+$`));
export const ProjectVersionArn = arn(
  'project version',
  new RegExp(`${ARN_PREFIX}\\/version\\/[a-zA-Z0-9_.\\-]{1,255}\\/[0-9]+$`),
);
/** Any taggable resource: a project, a dataset or a project version. */
export const ResourceArn = arn('Rekognition resource', new RegExp(`${ARN_PREFIX}\\/.+$`));

const TAG_KEY_PATTERN = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const TagKey = z
  .string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(128, 'Member must have length less than or equal to 128')
  .refine((key) => !key.startsWith('aws:'), 'Member must not start with aws: (the prefix is reserved)')
  .regex(TAG_KEY_PATTERN, 'Member must satisfy regular expression pattern: ^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$ (letters, digits, spaces and _ . : / = + - @)');
export const TagValue = z
  .string()
  .max(256, 'Member must have length less than or equal to 256')
  .regex(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u, 'Member must satisfy the tag value pattern');
export const TagMap = z
  .record(TagKey, TagValue)
  .refine((tags) => Object.keys(tags).length <= 200, 'Member must have at most 200 entries');

const maxResults = (max: number) =>
  z
    .number()
    .int()
    .min(1, 'Member must have value greater than or equal to 1')
    .max(max, `Member must have value less than or equal to ${max}`)
    .optional();
const NextToken = z.string().max(1024, 'Member must have length less than or equal to 1024').optional();

export const DatasetType = z.enum(['TRAIN', 'TEST'], {
  error: 'Member must satisfy enum value set: [TRAIN, TEST]',
});
export const ProjectFeature = z.enum(['CUSTOM_LABELS', 'CONTENT_MODERATION'], {
  error: 'Member must satisfy enum value set: [CUSTOM_LABELS, CONTENT_MODERATION]',
});
export const AutoUpdate = z.enum(['ENABLED', 'DISABLED'], {
  error: 'Member must satisfy enum value set: [ENABLED, DISABLED]',
});

export const S3Object = z.object({
  Bucket: z.string().min(3).max(255),
  Name: z.string().min(1).max(1024),
  Version: z.string().min(1).max(1024).optional(),
});

// --- Projects -------------------------------------------------------------------------------

export const CreateProjectInput = z.object({
  ProjectName: ResourceName,
  Feature: ProjectFeature.optional(),
  AutoUpdate: AutoUpdate.optional(),
  Tags: TagMap.optional(),
});

export const DescribeProjectsInput = z.object({
  NextToken,
  MaxResults: maxResults(100),
  ProjectNames: z.array(ResourceName).min(1).max(10).optional(),
  Features: z.array(ProjectFeature).min(1).max(2).optional(),
});

export const DeleteProjectInput = z.object({ ProjectArn });

/** App operation: the console's delete, which removes the project's models and datasets too. */
export const DeleteProjectCascadeInput = z.object({ ProjectArn });

// --- Datasets -------------------------------------------------------------------------------

export const CreateDatasetInput = z.object({
  ProjectArn,
  DatasetType,
  DatasetSource: z
    .object({
      GroundTruthManifest: z.object({ S3Object }).optional(),
      DatasetArn: DatasetArn.optional(),
    })
    .optional(),
  Tags: TagMap.optional(),
});

export const DescribeDatasetInput = z.object({ DatasetArn });
export const DeleteDatasetInput = z.object({ DatasetArn });

const LabelName = z
  .string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(256, 'Member must have length less than or equal to 256')
  .refine((name) => name.trim() !== '', 'Member must not be blank')
  .refine(isLabelText, 'Member must be text without control characters');

/**
 * A label is text with a UTF-8 form and nothing invisible that breaks files and logs: no control
 * characters (NUL…) and no lone surrogates. Manifests and other importers apply the same rule.
 */
export function isLabelText(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = name.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) return false;
  }
  return true;
}

export const ListDatasetEntriesInput = z.object({
  DatasetArn,
  ContainsLabels: z.array(LabelName).min(1).max(10, 'Member must have length less than or equal to 10').optional(),
  Labeled: z.boolean().optional(),
  SourceRefContains: z.string().min(1).max(2048).optional(),
  HasErrors: z.boolean().optional(),
  NextToken,
  MaxResults: maxResults(100),
});

/** App operation for galleries: the same filters, random access by Offset, richer items. */
export const ListEntriesInput = z.object({
  DatasetArn,
  ContainsLabels: z.array(LabelName).min(1).max(50).optional(),
  Labeled: z.boolean().optional(),
  SourceRefContains: z.string().min(1).max(2048).optional(),
  HasErrors: z.boolean().optional(),
  Offset: z.number().int().min(0).optional(),
  MaxResults: maxResults(1000),
});

export const ListDatasetLabelsInput = z.object({ DatasetArn, NextToken, MaxResults: maxResults(100) });

export const UpdateDatasetEntriesInput = z.object({
  DatasetArn,
  Changes: z.object({
    /** JSON lines, base64-encoded as the service's blob type (raw JSON text is accepted too). */
    GroundTruth: z
      .string()
      .min(1, 'Member must have length greater than or equal to 1')
      .max(7_000_000, 'Member must have length less than or equal to 5242880 bytes'),
  }),
});

export const DistributeDatasetEntriesInput = z.object({
  Datasets: z
    .array(z.object({ Arn: DatasetArn }))
    .length(2, 'Member must have length 2: the TRAIN and the TEST dataset'),
});

// --- Model versions -------------------------------------------------------------------------

const OutputConfig = z.object({
  S3Bucket: z.string().min(3).max(255).optional(),
  S3KeyPrefix: z.string().max(1024).optional(),
});

export const CreateProjectVersionInput = z.object({
  ProjectArn,
  /** The service requires it; Loupe names the version `<project>.<timestamp>` when it is absent, as the console does. */
  VersionName: ResourceName.optional(),
  OutputConfig: OutputConfig.optional(),
  Tags: TagMap.optional(),
  KmsKeyId: z.string().min(1).max(2048).optional(),
  VersionDescription: z.string().min(1).max(255).optional(),
  TrainingData: z.unknown().optional(),
  TestingData: z.unknown().optional(),
});

export const DescribeProjectVersionsInput = z.object({
  ProjectArn,
  VersionNames: z.array(ResourceName).min(1).max(10).optional(),
  NextToken,
  MaxResults: maxResults(100),
});

const InferenceUnits = z.number().int().min(1, 'Member must have value greater than or equal to 1');
export const StartProjectVersionInput = z.object({
  ProjectVersionArn,
  MinInferenceUnits: InferenceUnits,
  MaxInferenceUnits: InferenceUnits.optional(),
});
export const StopProjectVersionInput = z.object({ ProjectVersionArn });
export const DeleteProjectVersionInput = z.object({ ProjectVersionArn });

export const DetectCustomLabelsInput = z.object({
  ProjectVersionArn,
  Image: z.object({
    /** Base64 over JSON, as the service's blob type. */
    Bytes: z.string().min(1).optional(),
    S3Object: S3Object.optional(),
  }),
  MinConfidence: z
    .number()
    .min(0, 'Member must have value greater than or equal to 0')
    .max(100, 'Member must have value less than or equal to 100')
    .optional(),
  MaxResults: z.number().int().min(0, 'Member must have value greater than or equal to 0').optional(),
});

/** App operation: an anomaly model's answer for one image with its heat map (the image as DetectCustomLabels takes it). */
export const DetectImageAnomaliesInput = DetectCustomLabelsInput.pick({ ProjectVersionArn: true, Image: true });

/** App operations: the backbone registry. */
export const RegisterBackboneInput = z.object({
  /** The ONNX file (absolute path); it is copied into the Loupe home. */
  ModelFile: z.string().min(1).max(4096),
  /** Its spec (id, title, fileName, input, outputs, licence, source) as native/models describes it. */
  Spec: z.record(z.string(), z.unknown()),
});
export const SetDefaultBackboneInput = z.object({ Id: z.string().min(1).max(100) });
/** One of ListDownloadableBackbones' pinned backbones, by id. */
export const DownloadBackboneInput = z.object({ Id: z.string().min(1).max(100) });

/** App operations: a model package (model file, signature, evaluation) to carry to another machine. */
export const ExportModelPackageInput = z.object({
  ProjectVersionArn,
  Folder: z.string().min(1, 'Member must not be empty').max(4096),
});
/** App operation: a Triton / KServe model repository with a parity kit, in a new or empty folder. */
export const ExportModelRepositoryInput = z.object({
  ProjectVersionArn,
  /** An absolute path of a folder that does not exist yet or is empty; it becomes the repository root. */
  Folder: z.string().min(1, 'Member must not be empty').max(4096),
});
export const ImportModelPackageInput = z.object({
  ProjectArn,
  Folder: z.string().min(1, 'Member must not be empty').max(4096),
  VersionName: ResourceName,
});

/** App operation: everything the Evaluate tab shows, from the version's result files. */
export const DescribeEvaluationInput = z.object({ ProjectVersionArn });
/** An anomaly model's heat map of one test image (its SourceRef in DescribeEvaluation's TestResults). */
export const GetTestHeatMapInput = z.object({ ProjectVersionArn, SourceRef: z.string().min(1) });
export const PutProjectVersionThresholdsInput = z.object({
  ProjectVersionArn,
  /** Label → minimum score in [0, 1]; labels left out use their assumed threshold. */
  Thresholds: z.record(LabelName, z.number().min(0).max(1)),
});

export const CopyProjectVersionInput = z.object({
  SourceProjectArn: ProjectArn,
  SourceProjectVersionArn: ProjectVersionArn,
  DestinationProjectArn: ProjectArn,
  VersionName: ResourceName,
  OutputConfig: OutputConfig.optional(),
  Tags: TagMap.optional(),
  KmsKeyId: z.string().min(1).max(2048).optional(),
});

const PolicyName = z
  .string()
  .min(1)
  .max(128, 'Member must have length less than or equal to 128')
  .regex(/^[a-zA-Z0-9_.-]+$/, 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.\\-]+');
const PolicyRevisionId = z.string().max(64).regex(/^[0-9A-Fa-f]+$/, 'Member must be hexadecimal');

export const PutProjectPolicyInput = z.object({
  ProjectArn,
  PolicyName,
  PolicyRevisionId: PolicyRevisionId.optional(),
  PolicyDocument: z.string().min(1).max(2000, 'Member must have length less than or equal to 2000'),
});
export const ListProjectPoliciesInput = z.object({ ProjectArn, NextToken, MaxResults: maxResults(5) });
export const DeleteProjectPolicyInput = z.object({ ProjectArn, PolicyName, PolicyRevisionId: PolicyRevisionId.optional() });

// --- Tags -----------------------------------------------------------------------------------

export const TagResourceInput = z.object({ ResourceArn, Tags: TagMap });
export const UntagResourceInput = z.object({
  ResourceArn,
  TagKeys: z.array(TagKey).max(200, 'Member must have length less than or equal to 200'),
});
export const ListTagsForResourceInput = z.object({ ResourceArn });

// --- Labeling (app operations) -------------------------------------------------------------

const EntryId = z.number().int().positive();
export const BoxInput = z.object({
  Label: LabelName,
  /** Pixels of the oriented original image, as manifests carry them. */
  Left: z.number().finite(),
  Top: z.number().finite(),
  Width: z.number().finite(),
  Height: z.number().finite(),
});
export const EntryAnnotationsInput = z.object({
  EntryId,
  /** The revision the editor saw; a newer entry is not overwritten (ConflictException). */
  ExpectedRevision: z.number().int().positive().optional(),
  Labels: z.array(LabelName).max(50, 'Member must have at most 50 labels per image'),
  Boxes: z.array(BoxInput).max(50, 'Member must have at most 50 bounding boxes per image'),
});
export const PutEntryAnnotationsInput = z.object({
  DatasetArn,
  Entries: z.array(EntryAnnotationsInput).min(1).max(1000),
});
export const AssignImageLabelsInput = z.object({
  DatasetArn,
  EntryIds: z.array(EntryId).min(1).max(100_000),
  Add: z.array(LabelName).max(50).optional(),
  Remove: z.array(LabelName).max(50).optional(),
});
export const RemoveEntriesInput = z.object({ DatasetArn, EntryIds: z.array(EntryId).min(1).max(100_000) });
export const RestoreEntriesInput = z.object({ DatasetArn, UndoToken: z.string().min(1).max(100) });
export const CreateLabelsInput = z.object({ DatasetArn, Labels: z.array(LabelName).min(1).max(250) });
export const RenameLabelInput = z.object({ DatasetArn, LabelName, NewLabelName: LabelName });
export const DeleteLabelInput = z.object({ DatasetArn, LabelName });
export const DescribeLabelUsageInput = z.object({ DatasetArn, LabelName });
/** Usage of one version, of a project's versions, or of every version. */
export const DescribeUsageInput = z.object({ ProjectArn: ProjectArn.optional(), ProjectVersionArn: ProjectVersionArn.optional() });
export const CopyLabelsInput = z.object({ DatasetArn, SourceDatasetArn: DatasetArn });

// --- Imports (app operations) ---------------------------------------------------------------

const LocalPath = z.string().min(1, 'Member must not be empty').max(4096);

export const CheckFolderInput = z.object({ Folder: LocalPath });
export const ImportFolderInput = z.object({
  DatasetArn,
  Folder: LocalPath,
  /** Label each image with the name of the immediate child folder that holds it (default true). */
  AutoLabel: z.boolean().optional(),
  /**
   * Files a browser left out before uploading the folder (not images), counted by kind
   * (`.txt`, `.pdf`): added to the ones the walk skips, so the import's summary counts them all.
   */
  SkippedFiles: z.record(z.string().max(32), z.number().int().min(0)).optional(),
  /**
   * With AutoLabel: a child folder's name → the label its images get instead of that name. An
   * anomaly project marks its good folder `normal` and its defect folder `anomaly` this way
   * (`{"good": "normal", "defects": "anomaly"}`); there a folder named `good` is `normal` by default.
   */
  FolderLabels: z.record(z.string().min(1), z.string().min(1).max(256)).optional(),
});

export const ImportFilesInput = z.object({
  DatasetArn,
  Files: z.array(LocalPath).min(1, 'Member must have at least 1 file'),
  /** As ImportFolder's: files a browser left out before the upload. */
  SkippedFiles: z.record(z.string().max(32), z.number().int().min(0)).optional(),
});

export const ImportAnnotationsInput = z.object({
  DatasetArn,
  Format: z.enum(['COCO', 'VOC', 'YOLO', 'CSV'], { error: 'Member must satisfy enum value set: [COCO, VOC, YOLO, CSV]' }),
  /** COCO: the JSON file; VOC: the annotations folder; YOLO: the labels folder; CSV: the file. */
  Path: LocalPath,
  /** Where the images are; by default the folder of Path (VOC and YOLO: Path itself). */
  ImagesFolder: LocalPath.optional(),
});

export const ExportDatasetInput = z.object({
  DatasetArn,
  Format: z.enum(['MANIFEST', 'COCO', 'VOC', 'YOLO', 'CSV'], {
    error: 'Member must satisfy enum value set: [MANIFEST, COCO, VOC, YOLO, CSV]',
  }),
  Folder: LocalPath,
  /** Copy the images into Folder/images and reference them relatively (default false: reference them where they are). */
  CopyImages: z.boolean().optional(),
});

export const WatchFolderInput = z.object({ DatasetArn, Folder: LocalPath, AutoLabel: z.boolean().optional() });
export const UnwatchFolderInput = z.object({ DatasetArn, Folder: LocalPath });
export const ListWatchedFoldersInput = z.object({ ProjectArn: ProjectArn.optional() });

// --- Jobs (app operations) ------------------------------------------------------------------

export const JobId = z.number().int().positive();
export const CancelJobInput = z.object({ JobId });
export const ListJobsInput = z.object({
  ResourceArn: z.string().min(1).optional(),
  Active: z.boolean().optional(),
  MaxResults: maxResults(100),
});

// --- Settings, credentials, bucket mappings (app operations) -------------------------------

export const Language = z.enum(['en', 'ko']);

/** Operations that take no input still take an object, as the service's do. */
export const EmptyInput = z.object({});

export const UpdateSettingsInput = z.object({
  Language: Language.optional(),
});

/** The kiosk's exit PIN: 4–8 digits. SetKioskPin without one removes it. */
export const SetKioskPinInput = z.object({ Pin: z.string().regex(/^\d{4,8}$/, 'Member must be 4 to 8 digits').optional() });
export const VerifyKioskPinInput = z.object({ Pin: z.string().max(64, 'Member must have length less than or equal to 64') });


/** S3 bucket names, legacy ones (capitals, underscores) included: old manifests use them. */
const BucketName = z
  .string()
  .min(3, 'Member must have length greater than or equal to 3')
  .max(255, 'Member must have length less than or equal to 255')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/, 'Member must be a valid S3 bucket name');
const FolderPath = z.string().min(1, 'Member must not be empty').max(4096);

export const CreateBucketMappingInput = z.object({ Bucket: BucketName, Folder: FolderPath });
export const DeleteBucketMappingInput = z.object({ Bucket: BucketName });

export type CreateProjectInput = z.infer<typeof CreateProjectInput>;
export type DescribeProjectsInput = z.infer<typeof DescribeProjectsInput>;
export type DeleteProjectInput = z.infer<typeof DeleteProjectInput>;
export type CreateDatasetInput = z.infer<typeof CreateDatasetInput>;
export type DescribeDatasetInput = z.infer<typeof DescribeDatasetInput>;
export type DeleteDatasetInput = z.infer<typeof DeleteDatasetInput>;
export type CreateProjectVersionInput = z.infer<typeof CreateProjectVersionInput>;
export type DescribeProjectVersionsInput = z.infer<typeof DescribeProjectVersionsInput>;
export type StartProjectVersionInput = z.infer<typeof StartProjectVersionInput>;
export type StopProjectVersionInput = z.infer<typeof StopProjectVersionInput>;
export type DeleteProjectVersionInput = z.infer<typeof DeleteProjectVersionInput>;
export type DetectCustomLabelsInput = z.infer<typeof DetectCustomLabelsInput>;
export type DetectImageAnomaliesInput = z.infer<typeof DetectImageAnomaliesInput>;
export type RegisterBackboneInput = z.infer<typeof RegisterBackboneInput>;
export type SetDefaultBackboneInput = z.infer<typeof SetDefaultBackboneInput>;
export type DownloadBackboneInput = z.infer<typeof DownloadBackboneInput>;
export type ExportModelPackageInput = z.infer<typeof ExportModelPackageInput>;
export type ExportModelRepositoryInput = z.infer<typeof ExportModelRepositoryInput>;
export type ImportModelPackageInput = z.infer<typeof ImportModelPackageInput>;
export type DescribeEvaluationInput = z.infer<typeof DescribeEvaluationInput>;
export type GetTestHeatMapInput = z.infer<typeof GetTestHeatMapInput>;
export type PutProjectVersionThresholdsInput = z.infer<typeof PutProjectVersionThresholdsInput>;
export type CopyProjectVersionInput = z.infer<typeof CopyProjectVersionInput>;
export type PutProjectPolicyInput = z.infer<typeof PutProjectPolicyInput>;
export type ListProjectPoliciesInput = z.infer<typeof ListProjectPoliciesInput>;
export type DeleteProjectPolicyInput = z.infer<typeof DeleteProjectPolicyInput>;
export type TagResourceInput = z.infer<typeof TagResourceInput>;
export type UntagResourceInput = z.infer<typeof UntagResourceInput>;
export type ListTagsForResourceInput = z.infer<typeof ListTagsForResourceInput>;
export type UpdateSettingsInput = z.infer<typeof UpdateSettingsInput>;
export type SetKioskPinInput = z.infer<typeof SetKioskPinInput>;
export type VerifyKioskPinInput = z.infer<typeof VerifyKioskPinInput>;
export type CreateBucketMappingInput = z.infer<typeof CreateBucketMappingInput>;
export type DeleteBucketMappingInput = z.infer<typeof DeleteBucketMappingInput>;
export type Language = z.infer<typeof Language>;
export type ListDatasetEntriesInput = z.infer<typeof ListDatasetEntriesInput>;
export type ListEntriesInput = z.infer<typeof ListEntriesInput>;
export type ListDatasetLabelsInput = z.infer<typeof ListDatasetLabelsInput>;
export type UpdateDatasetEntriesInput = z.infer<typeof UpdateDatasetEntriesInput>;
export type DistributeDatasetEntriesInput = z.infer<typeof DistributeDatasetEntriesInput>;
export type PutEntryAnnotationsInput = z.infer<typeof PutEntryAnnotationsInput>;
export type AssignImageLabelsInput = z.infer<typeof AssignImageLabelsInput>;
export type RemoveEntriesInput = z.infer<typeof RemoveEntriesInput>;
export type RestoreEntriesInput = z.infer<typeof RestoreEntriesInput>;
export type CreateLabelsInput = z.infer<typeof CreateLabelsInput>;
export type RenameLabelInput = z.infer<typeof RenameLabelInput>;
export type DeleteLabelInput = z.infer<typeof DeleteLabelInput>;
export type DescribeLabelUsageInput = z.infer<typeof DescribeLabelUsageInput>;
export type DescribeUsageInput = z.infer<typeof DescribeUsageInput>;
export type CopyLabelsInput = z.infer<typeof CopyLabelsInput>;
export type CheckFolderInput = z.infer<typeof CheckFolderInput>;
export type ImportFolderInput = z.infer<typeof ImportFolderInput>;
export type ImportFilesInput = z.infer<typeof ImportFilesInput>;
export type ImportAnnotationsInput = z.infer<typeof ImportAnnotationsInput>;
export type ExportDatasetInput = z.infer<typeof ExportDatasetInput>;
export type WatchFolderInput = z.infer<typeof WatchFolderInput>;
export type UnwatchFolderInput = z.infer<typeof UnwatchFolderInput>;
export type ListWatchedFoldersInput = z.infer<typeof ListWatchedFoldersInput>;
export type CancelJobInput = z.infer<typeof CancelJobInput>;
export type ListJobsInput = z.infer<typeof ListJobsInput>;
