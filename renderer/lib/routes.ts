/** Hash routes, built in one place so links and the router agree. */
export function projectPath(name: string): string {
  return `/projects/${encodeURIComponent(name)}`;
}
