/** Hash routes, built in one place so links and the router agree. */
export function projectPath(name: string): string {
  return `/projects/${encodeURIComponent(name)}`;
}

/** The project page on its Models tab. */
export function projectModelsPath(name: string): string {
  return `${projectPath(name)}?tab=models`;
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

/** Training a new model version of a project. */
export function trainModelPath(projectName: string): string {
  return `${projectPath(projectName)}/train`;
}

export type ModelTab = 'evaluate' | 'details' | 'use' | 'tags';

/** A model version's page, on one of its tabs (Evaluate when none is given). */
export function modelPath(projectName: string, versionName: string, tab?: ModelTab): string {
  const base = `${projectPath(projectName)}/models/${encodeURIComponent(versionName)}`;
  return tab && tab !== 'evaluate' ? `${base}?tab=${tab}` : base;
}

/** A model version's test results, optionally filtered (`label=a&result=FALSE_POSITIVE`). */
export function testResultsPath(projectName: string, versionName: string, query?: URLSearchParams): string {
  const base = `${projectPath(projectName)}/models/${encodeURIComponent(versionName)}/results`;
  const search = query?.toString();
  return search ? `${base}?${search}` : base;
}

/** The full-screen verdict view of one running model. */
export function kioskPath(projectName: string, versionName: string): string {
  return `/kiosk/${encodeURIComponent(projectName)}/${encodeURIComponent(versionName)}`;
}
