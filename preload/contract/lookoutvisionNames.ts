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
