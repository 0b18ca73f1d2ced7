/**
 * The Lookout for Vision API (2020-11-20) described for botocore — boto3 and the AWS CLI — which
 * stopped shipping it when the service ended: `loupe aws-models` writes it where they look
 * (`~/.aws/models/lookoutvision/2020-11-20/`), and `boto3.client('lookoutvision',
 * endpoint_url=…)` and `aws lookoutvision … --endpoint-url …` talk to Loupe again.
 *
 * The wire — methods, paths, path labels, query names, success codes — comes from ROUTES, the
 * table Loupe's own server answers by; the members of each request and response are the service's,
 * and each request's members are those of the operation's input schema (checked by the tests).
 */
import { ROUTES } from './lookoutvision';

type Location = { location: 'uri' | 'querystring' | 'header'; locationName: string };
type Member = { shape: string } & Partial<Location> & { idempotencyToken?: true };
type Shape =
  | { type: 'string' | 'integer' | 'boolean' | 'float' | 'timestamp' | 'blob'; streaming?: true; requiresLength?: true }
  | { type: 'list'; member: { shape: string } }
  | { type: 'structure'; members: Record<string, Member>; required?: string[]; payload?: string };

const CLIENT_TOKEN_HEADER = 'X-Amzn-Client-Token';

/** What a model's listing says of it; its description says more. */
const MODEL_METADATA: Record<string, Member> = {
  CreationTimestamp: { shape: 'Timestamp' },
  ModelVersion: { shape: 'String' },
  ModelArn: { shape: 'String' },
  Description: { shape: 'String' },
  Status: { shape: 'String' },
  StatusMessage: { shape: 'String' },
  Performance: { shape: 'ModelPerformance' },
};

/** The structures and lists the operations share (the service's names). */
const SHAPES: Record<string, Shape> = {
  String: { type: 'string' },
  Integer: { type: 'integer' },
  Boolean: { type: 'boolean' },
  Float: { type: 'float' },
  Timestamp: { type: 'timestamp' },
  Blob: { type: 'blob' },
  Stream: { type: 'blob', streaming: true, requiresLength: true },
  InputS3Object: { type: 'structure', members: { Bucket: { shape: 'String' }, Key: { shape: 'String' }, VersionId: { shape: 'String' } }, required: ['Bucket', 'Key'] },
  DatasetGroundTruthManifest: { type: 'structure', members: { S3Object: { shape: 'InputS3Object' } } },
  DatasetSource: { type: 'structure', members: { GroundTruthManifest: { shape: 'DatasetGroundTruthManifest' } } },
  DatasetMetadata: { type: 'structure', members: { DatasetType: { shape: 'String' }, CreationTimestamp: { shape: 'Timestamp' }, Status: { shape: 'String' }, StatusMessage: { shape: 'String' } } },
  DatasetMetadataList: { type: 'list', member: { shape: 'DatasetMetadata' } },
  DatasetImageStats: { type: 'structure', members: { Total: { shape: 'Integer' }, Labeled: { shape: 'Integer' }, Normal: { shape: 'Integer' }, Anomaly: { shape: 'Integer' } } },
  DatasetDescription: {
    type: 'structure',
    members: {
      ProjectName: { shape: 'String' },
      DatasetType: { shape: 'String' },
      CreationTimestamp: { shape: 'Timestamp' },
      LastUpdatedTimestamp: { shape: 'Timestamp' },
      Status: { shape: 'String' },
      StatusMessage: { shape: 'String' },
      ImageStats: { shape: 'DatasetImageStats' },
    },
  },
  DatasetEntryList: { type: 'list', member: { shape: 'String' } },
  S3Location: { type: 'structure', members: { Bucket: { shape: 'String' }, Prefix: { shape: 'String' } }, required: ['Bucket'] },
  OutputConfig: { type: 'structure', members: { S3Location: { shape: 'S3Location' } }, required: ['S3Location'] },
  OutputS3Object: { type: 'structure', members: { Bucket: { shape: 'String' }, Key: { shape: 'String' } }, required: ['Bucket', 'Key'] },
  Tag: { type: 'structure', members: { Key: { shape: 'String' }, Value: { shape: 'String' } }, required: ['Key', 'Value'] },
  TagList: { type: 'list', member: { shape: 'Tag' } },
  TagKeyList: { type: 'list', member: { shape: 'String' } },
  ModelPerformance: { type: 'structure', members: { F1Score: { shape: 'Float' }, Recall: { shape: 'Float' }, Precision: { shape: 'Float' } } },
  ModelMetadata: { type: 'structure', members: MODEL_METADATA },
  ModelMetadataList: { type: 'list', member: { shape: 'ModelMetadata' } },
  ModelDescription: {
    type: 'structure',
    members: {
      ...MODEL_METADATA,
      OutputConfig: { shape: 'OutputConfig' },
      EvaluationManifest: { shape: 'OutputS3Object' },
      EvaluationResult: { shape: 'OutputS3Object' },
      EvaluationEndTimestamp: { shape: 'Timestamp' },
      KmsKeyId: { shape: 'String' },
      MinInferenceUnits: { shape: 'Integer' },
      MaxInferenceUnits: { shape: 'Integer' },
    },
  },
  ProjectMetadata: { type: 'structure', members: { ProjectArn: { shape: 'String' }, ProjectName: { shape: 'String' }, CreationTimestamp: { shape: 'Timestamp' } } },
  ProjectMetadataList: { type: 'list', member: { shape: 'ProjectMetadata' } },
  ProjectDescription: {
    type: 'structure',
    members: { ProjectArn: { shape: 'String' }, ProjectName: { shape: 'String' }, CreationTimestamp: { shape: 'Timestamp' }, Datasets: { shape: 'DatasetMetadataList' } },
  },
  ImageSource: { type: 'structure', members: { Type: { shape: 'String' } } },
  PixelAnomaly: { type: 'structure', members: { TotalPercentageArea: { shape: 'Float' }, Color: { shape: 'String' } } },
  Anomaly: { type: 'structure', members: { Name: { shape: 'String' }, PixelAnomaly: { shape: 'PixelAnomaly' } } },
  AnomalyList: { type: 'list', member: { shape: 'Anomaly' } },
  DetectAnomalyResult: {
    type: 'structure',
    members: { Source: { shape: 'ImageSource' }, IsAnomalous: { shape: 'Boolean' }, Confidence: { shape: 'Float' }, Anomalies: { shape: 'AnomalyList' }, AnomalyMask: { shape: 'Blob' } },
  },
};

interface OperationDescription {
  /** Request members (their shapes) other than the path labels, query parameters and client token the route places. */
  input: Record<string, string>;
  required: string[];
  output: Record<string, string>;
  /** The request member sent as the raw body, with the header its content type travels in. */
  payload?: { member: string; contentType: string };
}

/** Each operation's request and response members (the service's), by operation name. */
const OPERATIONS: Record<string, OperationDescription> = {
  CreateProject: { input: { ProjectName: 'String' }, required: ['ProjectName'], output: { ProjectMetadata: 'ProjectMetadata' } },
  DescribeProject: { input: {}, required: ['ProjectName'], output: { ProjectDescription: 'ProjectDescription' } },
  ListProjects: { input: {}, required: [], output: { Projects: 'ProjectMetadataList', NextToken: 'String' } },
  DeleteProject: { input: {}, required: ['ProjectName'], output: { ProjectArn: 'String' } },
  CreateDataset: { input: { DatasetType: 'String', DatasetSource: 'DatasetSource' }, required: ['ProjectName', 'DatasetType'], output: { DatasetMetadata: 'DatasetMetadata' } },
  DescribeDataset: { input: {}, required: ['ProjectName', 'DatasetType'], output: { DatasetDescription: 'DatasetDescription' } },
  ListDatasetEntries: { input: {}, required: ['ProjectName', 'DatasetType'], output: { DatasetEntries: 'DatasetEntryList', NextToken: 'String' } },
  UpdateDatasetEntries: { input: { Changes: 'Blob' }, required: ['ProjectName', 'DatasetType', 'Changes'], output: { Status: 'String' } },
  DeleteDataset: { input: {}, required: ['ProjectName', 'DatasetType'], output: {} },
  CreateModel: {
    input: { Description: 'String', OutputConfig: 'OutputConfig', KmsKeyId: 'String', Tags: 'TagList' },
    required: ['ProjectName', 'OutputConfig'],
    output: { ModelMetadata: 'ModelMetadata' },
  },
  DescribeModel: { input: {}, required: ['ProjectName', 'ModelVersion'], output: { ModelDescription: 'ModelDescription' } },
  ListModels: { input: {}, required: ['ProjectName'], output: { Models: 'ModelMetadataList', NextToken: 'String' } },
  DeleteModel: { input: {}, required: ['ProjectName', 'ModelVersion'], output: { ModelArn: 'String' } },
  StartModel: { input: { MinInferenceUnits: 'Integer', MaxInferenceUnits: 'Integer' }, required: ['ProjectName', 'ModelVersion', 'MinInferenceUnits'], output: { Status: 'String' } },
  StopModel: { input: {}, required: ['ProjectName', 'ModelVersion'], output: { Status: 'String' } },
  DetectAnomalies: {
    input: { Body: 'Stream' },
    required: ['ProjectName', 'ModelVersion', 'Body', 'ContentType'],
    output: { DetectAnomalyResult: 'DetectAnomalyResult' },
    payload: { member: 'Body', contentType: 'ContentType' },
  },
  TagResource: { input: { Tags: 'TagList' }, required: ['ResourceArn', 'Tags'], output: {} },
  UntagResource: { input: {}, required: ['ResourceArn', 'TagKeys'], output: {} },
  ListTagsForResource: { input: {}, required: ['ResourceArn'], output: { Tags: 'TagList' } },
};

/** Query parameters' shapes where they are not strings. */
const QUERY_SHAPES: Record<string, string> = { MaxResults: 'Integer', Labeled: 'Boolean', BeforeCreationDate: 'Timestamp', AfterCreationDate: 'Timestamp', TagKeys: 'TagKeyList' };

/** Operations whose routes take a client token (the service's idempotent writes). */
const IDEMPOTENT = new Set(['CreateProject', 'DeleteProject', 'CreateDataset', 'UpdateDatasetEntries', 'DeleteDataset', 'CreateModel', 'DeleteModel', 'StartModel', 'StopModel']);

export const LOOKOUT_VISION_API_VERSION = '2020-11-20';

/** botocore's service-2.json for Lookout for Vision, as Loupe serves it. */
export function lookoutVisionServiceModel(): { version: string; metadata: Record<string, string>; operations: Record<string, unknown>; shapes: Record<string, Shape> } {
  const shapes: Record<string, Shape> = { ...SHAPES };
  const operations: Record<string, unknown> = {};
  for (const route of ROUTES) {
    const name = route.operation.replace(/^LookoutVision/, '');
    const description = OPERATIONS[name];
    if (!description) throw new Error(`no description of the Lookout for Vision operation ${name}`);
    const members: Record<string, Member> = {};
    for (const label of route.labels) members[label] = { shape: 'String', location: 'uri', locationName: label };
    for (const [queryName, field] of Object.entries(route.query ?? {})) members[field] = { shape: QUERY_SHAPES[field] ?? 'String', location: 'querystring', locationName: queryName };
    if (IDEMPOTENT.has(name)) members.ClientToken = { shape: 'String', location: 'header', locationName: CLIENT_TOKEN_HEADER, idempotencyToken: true };
    for (const [member, shape] of Object.entries(description.input)) members[member] = { shape };
    if (description.payload) members[description.payload.contentType] = { shape: 'String', location: 'header', locationName: 'Content-Type' };
    shapes[`${name}Request`] = { type: 'structure', members, required: description.required, ...(description.payload ? { payload: description.payload.member } : {}) };
    shapes[`${name}Response`] = { type: 'structure', members: Object.fromEntries(Object.entries(description.output).map(([member, shape]) => [member, { shape }])) };
    operations[name] = {
      name,
      http: { method: route.method, requestUri: route.path, responseCode: route.status ?? 200 },
      input: { shape: `${name}Request` },
      output: { shape: `${name}Response` },
    };
  }
  return {
    version: '2.0',
    metadata: {
      apiVersion: LOOKOUT_VISION_API_VERSION,
      endpointPrefix: 'lookoutvision',
      jsonVersion: '1.1',
      protocol: 'rest-json',
      serviceFullName: 'Amazon Lookout for Vision',
      serviceId: 'LookoutVision',
      signatureVersion: 'v4',
      signingName: 'lookoutvision',
      uid: `lookoutvision-${LOOKOUT_VISION_API_VERSION}`,
    },
    operations,
    shapes,
  };
}

/** botocore's paginators-1.json: the list operations page by NextToken and MaxResults. */
export function lookoutVisionPaginators(): { pagination: Record<string, { input_token: string; output_token: string; limit_key: string; result_key: string }> } {
  const page = (resultKey: string) => ({ input_token: 'NextToken', output_token: 'NextToken', limit_key: 'MaxResults', result_key: resultKey });
  return { pagination: { ListDatasetEntries: page('DatasetEntries'), ListModels: page('Models'), ListProjects: page('Projects') } };
}
