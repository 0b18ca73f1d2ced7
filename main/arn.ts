/**
 * ARN-shaped identifiers with the service's structure, so client code that stores or splits them
 * keeps working: project/<name>/<ms>, project/<name>/dataset/<train|test>/<ms>,
 * project/<name>/version/<version>/<ms>.
 */
export interface Identity {
  region: string;
  account: string;
}

export const LOCAL_ACCOUNT = '000000000000';

export function projectArn(identity: Identity, name: string, createdMs: number): string {
  return `arn:aws:rekognition:${identity.region}:${identity.account}:project/${name}/${createdMs}`;
}

export function datasetArn(projectArnValue: string, type: 'TRAIN' | 'TEST', createdMs: number): string {
  return `${projectArnValue.replace(/\/\d+$/, '')}/dataset/${type.toLowerCase()}/${createdMs}`;
}

export function versionArn(projectArnValue: string, versionName: string, createdMs: number): string {
  return `${projectArnValue.replace(/\/\d+$/, '')}/version/${versionName}/${createdMs}`;
}

export type ResourceKind = 'project' | 'dataset' | 'version';

/** Which kind of resource an ARN names, from its shape alone. */
export function resourceKind(arn: string): ResourceKind | undefined {
  const path = arn.split(':').slice(5).join(':');
  if (/^project\/[^/]+\/\d+$/.test(path)) return 'project';
  if (/^project\/[^/]+\/dataset\/(train|test)\/\d+$/.test(path)) return 'dataset';
  if (/^project\/[^/]+\/version\/[^/]+\/\d+$/.test(path)) return 'version';
  return undefined;
}
