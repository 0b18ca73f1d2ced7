/**
 * The shape of a version's manifest_summary.json (the service's validation summary): training
 * writes it, DescribeProjectVersions points at it.
 */
import type { UseCase } from '../engine/engine';

export interface ContentError {
  code: string;
  message: string;
}

export interface DatasetStatistics {
  use_case: UseCase;
  total_json_lines: number;
  valid_json_lines: number;
  invalid_json_lines: number;
  ignored_json_lines: number;
  error_json_line_indices: number[];
  errors: ContentError[];
}

export interface ManifestSummary {
  statistics: { training: DatasetStatistics; testing: DatasetStatistics };
  errors: ContentError[];
}
