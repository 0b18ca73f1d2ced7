import type { OperationName } from '../../preload/contract/api';
import { LOOKOUT_VISION_OPERATIONS, REKOGNITION_OPERATIONS } from '../../preload/contract/names';

const rekognition: ReadonlySet<string> = new Set(REKOGNITION_OPERATIONS);
const lookoutVision: ReadonlySet<string> = new Set(LOOKOUT_VISION_OPERATIONS);

/** `RekognitionService.CreateProject`, `LoupeService.GetSettings`, `LookoutVisionService.LookoutVisionCreateProject`: the contract decides which. */
export function targetOf(name: OperationName): string {
  const service = rekognition.has(name) ? 'RekognitionService' : lookoutVision.has(name) ? 'LookoutVisionService' : 'LoupeService';
  return `${service}.${name}`;
}
