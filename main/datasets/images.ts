/**
 * Pictures of entries for the UI, by entry id: a 256 px thumbnail for galleries and a 2048 px
 * display image for labelling, both oriented sRGB JPEGs made once and cached in the home by
 * content hash. Only files Loupe imported are ever read; a request names an entry, never a path.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { makeThumbnail } from '../../native/preprocess';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { homePaths } from '../home';
import { createLogger } from '../log';

export const IMAGE_VARIANTS = { thumb: 256, display: 2048 } as const;
export type ImageVariant = keyof typeof IMAGE_VARIANTS;

export function isImageVariant(value: string): value is ImageVariant {
  return Object.prototype.hasOwnProperty.call(IMAGE_VARIANTS, value);
}

const log = createLogger('images');
const pending = new Map<string, Promise<string | undefined>>();

/** The cached JPEG for an entry's picture, made on first use; undefined when there is none. */
export async function entryImageFile(ctx: Context, entryId: number, variant: ImageVariant): Promise<string | undefined> {
  const row = q.findEntryImage(ctx.db, entryId);
  if (!row?.path || !row.hash) return undefined;
  const size = IMAGE_VARIANTS[variant];
  const target = join(homePaths(ctx.home).cache, 'images', row.hash.slice(0, 2), `${row.hash}-${size}.jpg`);
  if (await stat(target).then((s) => s.isFile()).catch(() => false)) return target;
  let making = pending.get(target);
  if (!making) {
    const source = row.path;
    making = makeThumbnail(source, target, { size })
      .then(() => target)
      .catch((error: unknown) => {
        log.warn('no picture for entry', { entryId, error: error instanceof Error ? error.message : String(error) });
        return undefined;
      })
      .finally(() => pending.delete(target));
    pending.set(target, making);
  }
  return making;
}
