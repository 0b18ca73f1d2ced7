/** What the kiosk shows for an analysed image: OK / NG for an inspection model, else the top label. Pure. */
import type { CustomLabel } from '../../../api';

/** Label names that mean "this part is fine". */
const OK_NAMES = /^(ok|okay|good|pass|passed|normal|accept|accepted|fine|정상|양품|합격|양호)$/i;

/** The OK label of a two-label model, when exactly one of its labels is named like one. */
export function guessOkLabel(labels: readonly string[]): string | undefined {
  if (labels.length !== 2) return undefined;
  const matching = labels.filter((label) => OK_NAMES.test(label.trim()));
  return matching.length === 1 ? matching[0] : undefined;
}

export type Verdict =
  | { kind: 'ok'; label: string; confidence: number }
  | { kind: 'ng'; label: string | undefined; confidence: number | undefined }
  | { kind: 'label'; label: string; confidence: number }
  | { kind: 'none' };

/**
 * With an OK label: OK when the label found with the highest confidence is it, otherwise NG
 * (nothing found counts as NG: only a confident OK passes). Without one: that top label, or none.
 */
export function verdictOf(labels: readonly CustomLabel[], okLabel: string | undefined): Verdict {
  const top = labels.reduce<CustomLabel | undefined>((best, label) => (!best || label.Confidence > best.Confidence ? label : best), undefined);
  if (okLabel !== undefined) {
    if (top && top.Name === okLabel) return { kind: 'ok', label: top.Name, confidence: top.Confidence };
    return { kind: 'ng', label: top?.Name, confidence: top?.Confidence };
  }
  return top ? { kind: 'label', label: top.Name, confidence: top.Confidence } : { kind: 'none' };
}

/** The tally a verdict adds to: `OK`, `NG`, a label, or '' for nothing found. */
export function tallyKey(verdict: Verdict): string {
  if (verdict.kind === 'ok') return 'OK';
  if (verdict.kind === 'ng') return 'NG';
  if (verdict.kind === 'label') return verdict.label;
  return '';
}

/** Hues that read apart from each other and from OK green and NG red. */
const HUES = [215, 28, 275, 190, 320, 48, 250, 165];

/** A label's colour for label-mode verdicts: by its place among the model's labels, so two labels never share one. */
export function labelHue(label: string, labels: readonly string[]): number {
  const index = [...labels].sort((a, b) => a.localeCompare(b)).indexOf(label);
  if (index >= 0) return HUES[index % HUES.length]!;
  let hash = 0;
  for (const char of label) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return HUES[hash % HUES.length]!;
}
