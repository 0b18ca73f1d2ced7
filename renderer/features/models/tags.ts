/** Tag rows as the tag editor holds them, checked against the service's tag rules. Pure. */

export interface TagRow {
  id: number;
  key: string;
  value: string;
}

export type TagProblem = 'keyRequired' | 'keyTooLong' | 'keyReserved' | 'keyPattern' | 'keyDuplicate' | 'valueTooLong' | 'valuePattern';

const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
export const MAX_TAGS = 200;

/** Why each row would be refused (the service's tag rules), by row id. */
export function checkTags(rows: readonly TagRow[]): Map<number, TagProblem> {
  const problems = new Map<number, TagProblem>();
  const seen = new Set<string>();
  for (const row of rows) {
    const key = row.key.trim();
    if (key === '' && row.value === '') continue;
    let problem: TagProblem | undefined;
    if (key === '') problem = 'keyRequired';
    else if (key.length > 128) problem = 'keyTooLong';
    else if (key.toLowerCase().startsWith('aws:')) problem = 'keyReserved';
    else if (!TAG_TEXT.test(key)) problem = 'keyPattern';
    else if (seen.has(key)) problem = 'keyDuplicate';
    else if (row.value.length > 256) problem = 'valueTooLong';
    else if (!TAG_TEXT.test(row.value)) problem = 'valuePattern';
    seen.add(key);
    if (problem) problems.set(row.id, problem);
  }
  return problems;
}

/** The rows as the API's tag map; empty rows are left out. */
export function tagMap(rows: readonly TagRow[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const row of rows) if (row.key.trim() !== '') tags[row.key.trim()] = row.value;
  return tags;
}

let nextRowId = 1;
export function newTagRow(key = '', value = ''): TagRow {
  return { id: nextRowId++, key, value };
}
