export * from './api';
export * from './errors';
export * as schemas from './schemas';
export type { Language } from './schemas';
export { declaredErrors } from './declaredErrors';
