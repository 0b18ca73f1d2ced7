export * from './api';
export * from './errors';
export * from './messages';
export * as schemas from './schemas';
export type { Language } from './schemas';
export { declaredErrors } from './declaredErrors';
