import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAtomically } from '../files';

/**
 * Where one view's features live in a feature cache: `<cacheDir>/<first two hex>/<hash><view>.f32`,
 * by content hash, so the same image in any dataset or version is embedded once per view.
 */
function featureFile(cacheDir: string, contentHash: string, view: string): string {
  return join(cacheDir, contentHash.slice(0, 2), `${contentHash}${view}.f32`);
}

/** Store one view's features where cachedFeatures looks for them (features computed alongside others). */
export function storeFeatures(cacheDir: string, contentHash: string, view: string, features: Float32Array): Promise<void> {
  return writeAtomically(featureFile(cacheDir, contentHash, view), new Uint8Array(features.buffer, features.byteOffset, features.byteLength));
}

export interface CachedFeatures<V> {
  cacheDir: string;
  views: readonly V[];
  /** The image's content hash and the view's name in the cache (featureFile). */
  key: (view: V) => { contentHash: string; view: string };
  /** Floats per view; a cached file of another length is computed again. Absent: any length. */
  length?: number;
  /** The features of the views not in the cache, in their order (one model run for all of them). */
  compute: (views: V[]) => Promise<Float32Array[]>;
}

/** Each view's features: read from the cache, or computed in one go and stored for next time. */
export async function cachedFeatures<V>({ cacheDir, views, key, length, compute }: CachedFeatures<V>): Promise<Float32Array[]> {
  const file = (view: V) => {
    const { contentHash, view: name } = key(view);
    return featureFile(cacheDir, contentHash, name);
  };
  const found: (Float32Array | undefined)[] = await Promise.all(
    views.map(async (view) => {
      const bytes = await readFile(file(view)).catch(() => undefined);
      if (!bytes || (length !== undefined && bytes.byteLength !== length * 4)) return undefined;
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    }),
  );
  const missing = views.flatMap((_, i) => (found[i] ? [] : [i]));
  if (missing.length === 0) return found as Float32Array[];
  const computed = await compute(missing.map((i) => views[i]!));
  await Promise.all(
    missing.map(async (i, k) => {
      found[i] = computed[k]!;
      const { contentHash, view } = key(views[i]!);
      await storeFeatures(cacheDir, contentHash, view, computed[k]!);
    }),
  );
  return found as Float32Array[];
}
