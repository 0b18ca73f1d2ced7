export { ApiError, isApiError, toApiError, type ApiErrorCode } from './ApiError';
export { call, invalidateQueries, subscribe, transportKind } from './client';
export { useEvent, useMutation, useQuery, useSession, type MutationState, type QueryOptions, type QueryState } from './hooks';
export { signIn, signOut, type SessionState } from './session';
export type {
  ApiCredentials,
  AppInfo,
  BucketMapping,
  DatasetMetadata,
  DatasetStatus,
  ProjectDescription,
  ProjectStatus,
  ProjectSummary,
  ProjectVersionStatus,
  Settings,
} from '../../preload/contract/api';
export type { Language } from '../../preload/contract/schemas';
