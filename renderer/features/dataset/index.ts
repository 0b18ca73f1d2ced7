export { CreateDatasetScreen } from './CreateDatasetScreen';
export { DatasetScreen } from './DatasetScreen';
export { JobsPanel } from './JobsPanel';
export { ProjectDropTarget } from './ProjectDropTarget';
