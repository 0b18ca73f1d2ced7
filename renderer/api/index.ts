export { ApiError, isApiError, statusError, toApiError, type ApiErrorCode } from './ApiError';
export { call, invalidateQueries, subscribe, transportKind } from './client';
export {
  carriesFiles,
  dropTargetPaths,
  hasLocalPaths,
  isImportableName,
  readDrop,
  readPicked,
  resolveSelection,
  selectionSize,
  skippedCount,
  skippedKinds,
  uploadForPath,
  userPathOf,
  walkDroppedFolder,
  type DropSelection,
  type DroppedPaths,
  type PickedFile,
  type PickedFolder,
  type UploadProgress,
} from './files';
export { entryImageUrl, type ImageVariant } from './images';
export { canOpenKioskWindow, canPickPaths, closeKioskWindow, isKioskWindow, openKioskWindow, pickPath } from './shell';
export { useEvent, useMutation, useQuery, useSession, type MutationState, type QueryOptions, type QueryState } from './hooks';
export { isKioskSession, leaveKiosk, signIn, signOut, type SessionState } from './session';
export type {
  ApiCredentials,
  AppInfo,
  Backbone,
  BucketMapping,
  CustomLabel,
  DatasetDescription,
  DatasetLabelDescription,
  DatasetMetadata,
  DatasetStats,
  DatasetStatus,
  DownloadableBackbone,
  EntryView,
  EvaluationDescription,
  ImageAnomalies,
  InputOf,
  Job,
  JobStatus,
  ProjectDescription,
  ProjectStatus,
  ProjectSummary,
  ProjectVersionDescription,
  ProjectVersionStatus,
  S3Location,
  Settings,
  TestImageResult,
  TrainingChoices,
  WatchedFolder,
} from '../../preload/contract/api';
export type { Language } from '../../preload/contract/schemas';
