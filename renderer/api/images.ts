import { transportKind } from './client';
import { getToken } from './session';

/** `thumb`: 256 px on the long side, for galleries; `display`: 2048 px, for viewing and labeling. */
export type ImageVariant = 'thumb' | 'display';

/**
 * Where an entry's picture loads from: the app's image protocol inside Electron, the server's
 * `/images` path (with the session token, since an <img> cannot send headers) under `loupe serve`.
 */
export function entryImageUrl(entryId: number, variant: ImageVariant): string {
  if (transportKind === 'bridge') return `loupe-image://entry/${entryId}/${variant}`;
  const token = getToken();
  return `/images/${entryId}/${variant}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}
