/**
 * main/lookoutvision — the Lookout for Vision API (2020-11-20) over Loupe's projects, datasets and
 * versions: one handler per operation, registered in main/api's catalogue under `LookoutVision…`
 * names and reached over HTTP through the REST routes in main/server/lookoutvision.ts.
 */
import {
  createLookoutVisionDataset,
  createProject,
  deleteLookoutVisionDataset,
  deleteProject,
  describeLookoutVisionDataset,
  describeProject,
  listLookoutVisionDatasetEntries,
  listProjects,
  updateLookoutVisionDatasetEntries,
} from './projects';
import { createModel, deleteModel, describeModel, detectAnomalies, listModels, startModel, stopModel } from './models';
import { listTagsForResource, tagResource, untagResource } from './tags';

export const lookoutVisionHandlers = {
  LookoutVisionCreateProject: createProject,
  LookoutVisionDescribeProject: describeProject,
  LookoutVisionListProjects: listProjects,
  LookoutVisionDeleteProject: deleteProject,
  LookoutVisionCreateDataset: createLookoutVisionDataset,
  LookoutVisionDescribeDataset: describeLookoutVisionDataset,
  LookoutVisionListDatasetEntries: listLookoutVisionDatasetEntries,
  LookoutVisionUpdateDatasetEntries: updateLookoutVisionDatasetEntries,
  LookoutVisionDeleteDataset: deleteLookoutVisionDataset,
  LookoutVisionCreateModel: createModel,
  LookoutVisionDescribeModel: describeModel,
  LookoutVisionListModels: listModels,
  LookoutVisionDeleteModel: deleteModel,
  LookoutVisionStartModel: startModel,
  LookoutVisionStopModel: stopModel,
  LookoutVisionDetectAnomalies: detectAnomalies,
  LookoutVisionTagResource: tagResource,
  LookoutVisionUntagResource: untagResource,
  LookoutVisionListTagsForResource: listTagsForResource,
} as const;
