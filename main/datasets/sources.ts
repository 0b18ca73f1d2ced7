/**
 * Where images live. A source-ref names an image as the service does (`s3://bucket/key`) or as a
 * path; it resolves to a file only inside a folder the user registered: a bucket mapping's
 * folder, a watched folder, or the folder of the manifest or import at hand. Anything that
 * escapes its folder (`..`, symlinked prefixes aside) is refused.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from '../core/context';
import * as q from '../db/queries';

export type Resolved = { ok: true; path: string } | { ok: false; reason: string };

/** True when `child` is `folder` itself or inside it. */
export function isInside(folder: string, child: string): boolean {
  const rel = relative(folder, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * True when `path` is inside `folder` and stays there once links are followed: a link inside a
 * mapped bucket's folder that leads elsewhere (`ln -s /etc f/x.jpg`) is outside. A path that
 * does not exist has no link to follow; reading it fails on its own.
 */
export function staysInside(folder: string, path: string): boolean {
  if (!isInside(folder, path)) return false;
  let realPath: string;
  try {
    realPath = realpathSync(path);
  } catch {
    return true;
  }
  try {
    return isInside(realpathSync(folder), realPath);
  } catch {
    return false;
  }
}

export interface SourceResolver {
  resolve(sourceRef: string): Resolved;
  /** The source-ref Loupe records for a local file: `s3://bucket/key` under a mapping, else its path. */
  sourceRefFor(path: string): string;
}

export function registeredFolders(ctx: Context): string[] {
  return [...q.listBucketMappings(ctx.db).map((m) => m.folder), ...q.listWatchedFolderPaths(ctx.db)];
}

export function isRegistered(ctx: Context, path: string): boolean {
  return registeredFolders(ctx).some((folder) => isInside(folder, resolve(path)));
}

/** A resolver for one import; `baseFolder` is the manifest's or the import's own folder. */
export function createResolver(ctx: Context, options: { baseFolder?: string } = {}): SourceResolver {
  const mappings = new Map(q.listBucketMappings(ctx.db).map((m) => [m.bucket, m.folder]));
  const allowed = [...registeredFolders(ctx), ...(options.baseFolder ? [options.baseFolder] : [])];
  const confined = (folder: string, path: string, sourceRef: string): Resolved =>
    staysInside(folder, path) ? { ok: true, path } : { ok: false, reason: `${sourceRef} points outside ${folder}.` };

  return {
    resolve(sourceRef) {
      const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(sourceRef);
      if (s3) {
        const folder = mappings.get(s3[1]!);
        if (!folder) return { ok: false, reason: `No folder is mapped to the bucket ${s3[1]} (Settings › Bucket mappings).` };
        return confined(folder, resolve(folder, s3[2]!), sourceRef);
      }
      let path: string;
      try {
        path = /^file:\/\//i.test(sourceRef) ? fileURLToPath(sourceRef) : sourceRef;
      } catch {
        return { ok: false, reason: `${sourceRef} is not a valid file URL.` };
      }
      if (!isAbsolute(path)) {
        if (!options.baseFolder) return { ok: false, reason: `${sourceRef} is relative, and there is no folder to resolve it in.` };
        return confined(options.baseFolder, resolve(options.baseFolder, path), sourceRef);
      }
      const absolute = resolve(path);
      // A path is readable inside a registered folder, or when it is an image Loupe already
      // imported (the list → edit → UpdateDatasetEntries loop sends such paths back).
      return allowed.some((folder) => staysInside(folder, absolute)) || q.isImportedPath(ctx.db, absolute)
        ? { ok: true, path: absolute }
        : { ok: false, reason: `${sourceRef} is not inside a registered folder.` };
    },
    sourceRefFor(path) {
      const absolute = resolve(path);
      for (const [bucket, folder] of mappings) {
        if (isInside(folder, absolute) && absolute !== folder) {
          return `s3://${bucket}/${relative(folder, absolute).split(sep).join('/')}`;
        }
      }
      return absolute;
    },
  };
}
