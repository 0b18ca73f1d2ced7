import { join } from 'node:path';

/**
 * Where one view's features live in a feature cache: `<cacheDir>/<first two hex>/<hash><view>.f32`,
 * by content hash, so the same image in any dataset or version is embedded once per view.
 */
export function featureFile(cacheDir: string, contentHash: string, view: string): string {
  return join(cacheDir, contentHash.slice(0, 2), `${contentHash}${view}.f32`);
}
