/**
 * The Lookout for Vision API (2020-11-20) as catalogue operations: the service's field names,
 * constraints, statuses and shapes. Adding an operation: add it to names.ts (LOOKOUT_VISION_OPERATIONS), give it a
 * schema and output here, a handler in main/lookoutvision, and a route in main/server/lookoutvision.ts.
 */
import { z } from 'zod';

const ProjectName = z
  .string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(255, 'Member must have length less than or equal to 255')
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, 'Member must satisfy regular expression pattern: [a-zA-Z0-9][a-zA-Z0-9_\\-]*');
const DatasetType = z
  .string()
  .min(1)
  .max(10)
  .regex(/^(train|test)$/, 'Member must satisfy regular expression pattern: train|test');
const ModelVersion = z
  .string()
  .min(1)
  .max(10)
  .regex(/^([1-9][0-9]*|latest)$/, 'Member must satisfy regular expression pattern: ([1-9][0-9]*|latest)');
const ClientToken = z.string().min(1).max(64).optional();
const NextToken = z.string().max(2048, 'Member must have length less than or equal to 2048').optional();
const MaxResults = z.coerce.number().int().min(1, 'Member must have value greater than or equal to 1').max(100, 'Member must have value less than or equal to 100').optional();
const S3Bucket = z.string().min(3).max(63);
const Tag = z.object({ Key: z.string().min(1).max(128), Value: z.string().max(256) });
const ResourceArn = z.string().min(1).max(1011);

export const CreateProjectInput = z.object({ ProjectName, ClientToken });
export const ProjectNameInput = z.object({ ProjectName, ClientToken });
/** The read operations take no client token. */
export const DescribeProjectInput = ProjectNameInput.omit({ ClientToken: true });
export const ListProjectsInput = z.object({ NextToken, MaxResults });
export const CreateDatasetInput = z.object({
  ProjectName,
  DatasetType,
  DatasetSource: z
    .object({
      GroundTruthManifest: z.object({
        S3Object: z.object({ Bucket: S3Bucket, Key: z.string().min(1).max(1024), VersionId: z.string().optional() }),
      }),
    })
    .optional(),
  ClientToken,
});
export const DatasetInput = z.object({ ProjectName, DatasetType, ClientToken });
export const DescribeDatasetInput = DatasetInput.omit({ ClientToken: true });
export const ListDatasetEntriesInput = z.object({
  ProjectName,
  DatasetType,
  Labeled: z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean()).optional(),
  AnomalyClass: z.string().min(1).max(10).optional(),
  BeforeCreationDate: z.coerce.date().optional(),
  AfterCreationDate: z.coerce.date().optional(),
  NextToken,
  MaxResults,
  SourceRefContains: z.string().min(1).max(2048).optional(),
});
export const UpdateDatasetEntriesInput = z.object({
  ProjectName,
  DatasetType,
  /** JSON lines in the Lookout for Vision manifest format, base64 (the service's blob). */
  Changes: z.string().min(1, 'Member must have length greater than or equal to 1').max(7_000_000),
  ClientToken,
});
export const CreateModelInput = z.object({
  ProjectName,
  Description: z.string().min(1).max(500, 'Member must have length less than or equal to 500').optional(),
  ClientToken,
  OutputConfig: z.object({ S3Location: z.object({ Bucket: S3Bucket, Prefix: z.string().max(1024).optional() }) }),
  KmsKeyId: z.string().min(1).max(2048).optional(),
  Tags: z.array(Tag).max(200).optional(),
});
export const ModelInput = z.object({ ProjectName, ModelVersion, ClientToken });
export const DescribeModelInput = ModelInput.omit({ ClientToken: true });
export const ListModelsInput = z.object({ ProjectName, NextToken, MaxResults });
export const StartModelInput = z.object({
  ProjectName,
  ModelVersion,
  MinInferenceUnits: z.number().int().min(1, 'Member must have value greater than or equal to 1'),
  MaxInferenceUnits: z.number().int().min(1).optional(),
  ClientToken,
});
export const DetectAnomaliesInput = z.object({
  ProjectName,
  ModelVersion,
  ContentType: z.string().min(1).max(255),
  /** The image bytes, base64 (the REST route passes the raw body through here). */
  Body: z.string().min(1, 'Member must not be empty'),
});
export const TagResourceInput = z.object({ ResourceArn, Tags: z.array(Tag).min(1).max(200) });
export const UntagResourceInput = z.object({ ResourceArn, TagKeys: z.array(z.string().min(1).max(128)).min(1).max(200) });
export const ResourceArnInput = z.object({ ResourceArn });

export type EpochSeconds = number;
export interface ProjectMetadata {
  ProjectArn: string;
  ProjectName: string;
  CreationTimestamp: EpochSeconds;
}
export interface DatasetMetadata {
  DatasetType: string;
  CreationTimestamp: EpochSeconds;
  Status: string;
  StatusMessage: string;
}
export interface ModelPerformance {
  F1Score?: number;
  Recall?: number;
  Precision?: number;
}
export interface ModelMetadata {
  CreationTimestamp: EpochSeconds;
  ModelVersion: string;
  ModelArn: string;
  Description?: string;
  Status: string;
  StatusMessage: string;
  Performance?: ModelPerformance;
}
export interface S3Location {
  Bucket: string;
  Key?: string;
  Prefix?: string;
}
export interface ModelDescription extends ModelMetadata {
  OutputConfig: { S3Location: S3Location };
  EvaluationManifest?: { Bucket: string; Key: string };
  EvaluationResult?: { Bucket: string; Key: string };
  EvaluationEndTimestamp?: EpochSeconds;
  KmsKeyId?: string;
  MinInferenceUnits?: number;
  MaxInferenceUnits?: number;
}
export interface DetectAnomalyResult {
  Source: { Type: string };
  IsAnomalous: boolean;
  Confidence: number;
  Anomalies: { Name: string; PixelAnomaly: { TotalPercentageArea: number; Color: string } }[];
  /** PNG, base64. */
  AnomalyMask: string;
}

type LvOp<I extends z.ZodType, O> = { service: 'LookoutVisionService'; input: I; output?: O };
const lv = <I extends z.ZodType, O>(input: I): LvOp<I, O> => ({ service: 'LookoutVisionService', input });

export const lookoutVisionOperations = {
  LookoutVisionCreateProject: lv<typeof CreateProjectInput, { ProjectMetadata: ProjectMetadata }>(CreateProjectInput),
  LookoutVisionDescribeProject: lv<
    typeof DescribeProjectInput,
    { ProjectDescription: ProjectMetadata & { Datasets: DatasetMetadata[] } }
  >(DescribeProjectInput),
  LookoutVisionListProjects: lv<typeof ListProjectsInput, { Projects: ProjectMetadata[]; NextToken?: string }>(ListProjectsInput),
  LookoutVisionDeleteProject: lv<typeof ProjectNameInput, { ProjectArn: string }>(ProjectNameInput),
  LookoutVisionCreateDataset: lv<typeof CreateDatasetInput, { DatasetMetadata: DatasetMetadata }>(CreateDatasetInput),
  LookoutVisionDescribeDataset: lv<
    typeof DescribeDatasetInput,
    {
      DatasetDescription: DatasetMetadata & {
        ProjectName: string;
        LastUpdatedTimestamp: EpochSeconds;
        ImageStats: { Total: number; Labeled: number; Normal: number; Anomaly: number };
      };
    }
  >(DescribeDatasetInput),
  LookoutVisionListDatasetEntries: lv<typeof ListDatasetEntriesInput, { DatasetEntries: string[]; NextToken?: string }>(ListDatasetEntriesInput),
  LookoutVisionUpdateDatasetEntries: lv<typeof UpdateDatasetEntriesInput, { Status: string }>(UpdateDatasetEntriesInput),
  LookoutVisionDeleteDataset: lv<typeof DatasetInput, Record<string, never>>(DatasetInput),
  LookoutVisionCreateModel: lv<typeof CreateModelInput, { ModelMetadata: ModelMetadata }>(CreateModelInput),
  LookoutVisionDescribeModel: lv<typeof DescribeModelInput, { ModelDescription: ModelDescription }>(DescribeModelInput),
  LookoutVisionListModels: lv<typeof ListModelsInput, { Models: ModelMetadata[]; NextToken?: string }>(ListModelsInput),
  LookoutVisionDeleteModel: lv<typeof ModelInput, { ModelArn: string }>(ModelInput),
  LookoutVisionStartModel: lv<typeof StartModelInput, { Status: string }>(StartModelInput),
  LookoutVisionStopModel: lv<typeof ModelInput, { Status: string }>(ModelInput),
  LookoutVisionDetectAnomalies: lv<typeof DetectAnomaliesInput, { DetectAnomalyResult: DetectAnomalyResult }>(DetectAnomaliesInput),
  LookoutVisionTagResource: lv<typeof TagResourceInput, Record<string, never>>(TagResourceInput),
  LookoutVisionUntagResource: lv<typeof UntagResourceInput, Record<string, never>>(UntagResourceInput),
  LookoutVisionListTagsForResource: lv<typeof ResourceArnInput, { Tags: { Key: string; Value: string }[] }>(ResourceArnInput),
} as const;
