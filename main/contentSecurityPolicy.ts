/**
 * The content security policy of every page Loupe serves, in the app window (`app://loupe`) and in
 * a browser (`loupe serve`): the page runs only its own scripts, talks only to its own origin, and
 * shows its own images, data/blob URLs and whatever extra image sources the caller names.
 */
export function contentSecurityPolicy(options: { imageSources?: readonly string[] } = {}): string {
  return [
    "default-src 'self'",
    ['img-src', "'self'", 'data:', 'blob:', ...(options.imageSources ?? [])].join(' '),
    "style-src 'self' 'unsafe-inline'",
    "script-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
