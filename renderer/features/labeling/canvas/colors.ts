/** Label colours: distinct hues that read on photos, assigned by the label's place in the list. */
const PALETTE = ['#3b82f6', '#f97316', '#10b981', '#e11d48', '#a855f7', '#eab308', '#06b6d4', '#ec4899', '#84cc16', '#6366f1'];

export function labelColor(labels: readonly string[], label: string): string {
  const index = labels.indexOf(label);
  if (index < 0) return '#94a3b8';
  return PALETTE[index % PALETTE.length]!;
}
