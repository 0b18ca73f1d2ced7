import type { OperationName, Operations } from '../../preload/contract/api';

/**
 * The Rekognition Custom Labels API's own operations (API reference, guide-notes-3 §5). They are
 * served as `RekognitionService.<Op>`; every other operation is an app operation, served as
 * `LoupeService.<Op>`. Names the contract does not have yet are listed ahead of time.
 */
const rekognitionOperations = [
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

// The contract decides each operation's service; these two checks fail the renderer's build when
// the list above disagrees with it.
type Listed = (typeof rekognitionOperations)[number];
type ContractRekognitionOps = {
  [N in OperationName]: Operations[N]['service'] extends 'RekognitionService' ? N : never;
}[OperationName];
type Unlisted = Exclude<ContractRekognitionOps, Listed>;
type Misfiled = Exclude<Extract<Listed, OperationName>, ContractRekognitionOps>;
const everyServiceOperationListed: [Unlisted] extends [never] ? true : { unlisted: Unlisted } = true;
const noAppOperationListed: [Misfiled] extends [never] ? true : { misfiled: Misfiled } = true;
void everyServiceOperationListed;
void noAppOperationListed;

const rekognition: ReadonlySet<string> = new Set(rekognitionOperations);

/** `RekognitionService.CreateProject`, `LoupeService.GetSettings`. */
export function targetOf(name: OperationName): string {
  return `${rekognition.has(name) ? 'RekognitionService' : 'LoupeService'}.${name}`;
}
