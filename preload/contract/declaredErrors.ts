/**
 * The errors the service model declares for each Rekognition operation (the AWS SDK's
 * `@throws` of each command). A service operation answers only with these, so code written
 * for the service catches what it expects; the dispatcher holds every answer to this list.
 */
import type { ErrorName } from './errors';
import type { OperationName } from './api';

export const declaredErrors: Partial<Record<OperationName, readonly ErrorName[]>> = {
  CreateProject: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'LimitExceededException', 'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ThrottlingException'],
  DescribeProjects: ['AccessDeniedException', 'InternalServerError', 'InvalidPaginationTokenException', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ThrottlingException'],
  DeleteProject: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ResourceNotFoundException', 'ThrottlingException'],
  CreateDataset: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'InvalidS3ObjectException', 'LimitExceededException', 'ProvisionedThroughputExceededException', 'ResourceAlreadyExistsException', 'ResourceNotFoundException', 'ThrottlingException'],
  DescribeDataset: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceNotFoundException', 'ThrottlingException'],
  DeleteDataset: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'LimitExceededException', 'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ResourceNotFoundException', 'ThrottlingException'],
  ListDatasetEntries: ['AccessDeniedException', 'InternalServerError', 'InvalidPaginationTokenException', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ResourceNotFoundException', 'ResourceNotReadyException', 'ThrottlingException'],
  ListDatasetLabels: ['AccessDeniedException', 'InternalServerError', 'InvalidPaginationTokenException', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ResourceNotFoundException', 'ResourceNotReadyException', 'ThrottlingException'],
  UpdateDatasetEntries: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'LimitExceededException', 'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ResourceNotFoundException', 'ThrottlingException'],
  DistributeDatasetEntries: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceNotFoundException', 'ResourceNotReadyException', 'ThrottlingException'],
  CreateProjectVersion: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'LimitExceededException', 'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ResourceNotFoundException', 'ServiceQuotaExceededException', 'ThrottlingException'],
  DescribeProjectVersions: ['AccessDeniedException', 'InternalServerError', 'InvalidPaginationTokenException', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceNotFoundException', 'ThrottlingException'],
  StartProjectVersion: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'LimitExceededException', 'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ResourceNotFoundException', 'ThrottlingException'],
  StopProjectVersion: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ResourceNotFoundException', 'ThrottlingException'],
  DeleteProjectVersion: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ResourceNotFoundException', 'ThrottlingException'],
  CopyProjectVersion: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'LimitExceededException', 'ProvisionedThroughputExceededException', 'ResourceInUseException', 'ResourceNotFoundException', 'ServiceQuotaExceededException', 'ThrottlingException'],
  PutProjectPolicy: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'InvalidPolicyRevisionIdException', 'LimitExceededException', 'MalformedPolicyDocumentException', 'ProvisionedThroughputExceededException', 'ResourceAlreadyExistsException', 'ResourceNotFoundException', 'ServiceQuotaExceededException', 'ThrottlingException'],
  ListProjectPolicies: ['AccessDeniedException', 'InternalServerError', 'InvalidPaginationTokenException', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceNotFoundException', 'ThrottlingException'],
  DeleteProjectPolicy: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'InvalidPolicyRevisionIdException', 'ProvisionedThroughputExceededException', 'ResourceNotFoundException', 'ThrottlingException'],
  DetectCustomLabels: ['AccessDeniedException', 'ImageTooLargeException', 'InternalServerError', 'InvalidImageFormatException', 'InvalidParameterException', 'InvalidS3ObjectException', 'LimitExceededException', 'ProvisionedThroughputExceededException', 'ResourceNotFoundException', 'ResourceNotReadyException', 'ThrottlingException'],
  TagResource: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceNotFoundException', 'ServiceQuotaExceededException', 'ThrottlingException'],
  UntagResource: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceNotFoundException', 'ThrottlingException'],
  ListTagsForResource: ['AccessDeniedException', 'InternalServerError', 'InvalidParameterException', 'ProvisionedThroughputExceededException', 'ResourceNotFoundException', 'ThrottlingException'],
};
