import { isAbsolute, relative, sep } from 'node:path';

/** Whether `candidate` (absolute, normalised) is `root` itself or lies below it. */
export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  if (rel === '') return true;
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}
