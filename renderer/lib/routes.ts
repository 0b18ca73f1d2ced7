/** Hash routes, built in one place so links and the router agree. */
export function projectPath(name: string): string {
  return `/projects/${encodeURIComponent(name)}`;
}

export type DatasetSlug = 'train' | 'test';

/** `TRAIN` → `train`: how a dataset type reads in a route. */
export function datasetSlug(type: 'TRAIN' | 'TEST'): DatasetSlug {
  return type === 'TRAIN' ? 'train' : 'test';
}

/** The dataset page, on the tab of one dataset. */
export function datasetPath(projectName: string, slug: DatasetSlug): string {
  return `${projectPath(projectName)}/datasets/${slug}`;
}

/** The create-dataset page of a project. */
export function createDatasetPath(projectName: string): string {
  return `${projectPath(projectName)}/datasets/create`;
}

/** Labeling one dataset's images. */
export function labelDatasetPath(projectName: string, slug: DatasetSlug): string {
  return `${datasetPath(projectName, slug)}/label`;
}
