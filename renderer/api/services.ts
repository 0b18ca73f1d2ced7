import type { OperationName } from '../../preload/contract/api';
import { REKOGNITION_OPERATIONS } from '../../preload/contract/names';

const rekognition: ReadonlySet<string> = new Set(REKOGNITION_OPERATIONS);

/** `RekognitionService.CreateProject`, `LoupeService.GetSettings`: the contract decides which. */
export function targetOf(name: OperationName): string {
  return `${rekognition.has(name) ? 'RekognitionService' : 'LoupeService'}.${name}`;
}
