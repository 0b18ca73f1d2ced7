/**
 * A manifest chosen as a file (the desktop app's dialog) named the way CreateDataset takes it: the
 * bucket mapped to the folder that holds it, and its key inside that folder.
 */

/** The mapped bucket and key of a file inside a mapped folder (the longest folder wins), or undefined. */
export function bucketKeyOf(path: string, mappings: readonly { Bucket: string; Folder: string }[]): { bucket: string; key: string } | undefined {
  const normal = path.replace(/\\/g, '/');
  const inside = mappings
    .map((mapping) => ({ mapping, folder: mapping.Folder.replace(/\\/g, '/').replace(/\/+$/, '') }))
    .filter(({ folder }) => normal.startsWith(`${folder}/`))
    .sort((a, b) => b.folder.length - a.folder.length)[0];
  return inside ? { bucket: inside.mapping.Bucket, key: normal.slice(inside.folder.length + 1) } : undefined;
}
