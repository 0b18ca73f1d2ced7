import type { ProjectDescription } from '../../api';
import { ModelsList } from '../models';

/** The project's models tab: every version with the console's columns (features/models). */
export function ModelsPanel({ projectName, project }: { projectName: string; project: ProjectDescription }) {
  const canTrain = project.Datasets.some((dataset) => dataset.DatasetType === 'TRAIN');
  return <ModelsList projectName={projectName} projectArn={project.ProjectArn} canTrain={canTrain} />;
}
