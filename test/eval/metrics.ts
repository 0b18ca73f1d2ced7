/**
 * Figures from DescribeEvaluation's TestResults: every test image lists every label with its
 * confidence and its result at the model's assumed threshold, so the ground truth is the labels
 * whose result is a true positive or a false negative.
 */
import type { TestImageResult } from '../../preload/contract';

type Result = TestImageResult['Labels'][number]['Result'];

const PRESENT: ReadonlySet<Result> = new Set(['TRUE_POSITIVE', 'FALSE_NEGATIVE']);
const EMITTED: ReadonlySet<Result> = new Set(['TRUE_POSITIVE', 'FALSE_POSITIVE']);

export function truthOf(image: TestImageResult): string[] {
  return image.Labels.filter((label) => PRESENT.has(label.Result)).map((label) => label.Name);
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

const f1 = ({ tp, fp, fn }: Counts) => (tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn));

function countsByLabel(images: readonly TestImageResult[]): Map<string, Counts> {
  const counts = new Map<string, Counts>();
  for (const image of images) for (const label of image.Labels) if (!counts.has(label.Name)) counts.set(label.Name, { tp: 0, fp: 0, fn: 0 });
  return counts;
}

/** Single-label: the top-scoring label against the one true label. */
export function topOneScores(images: readonly TestImageResult[]): { accuracy: number; macroF1: number; images: number } {
  const counts = countsByLabel(images);
  let correct = 0;
  for (const image of images) {
    const truth = truthOf(image)[0];
    const top = image.Labels.reduce<TestImageResult['Labels'][number] | undefined>((best, l) => (!best || l.Confidence > best.Confidence ? l : best), undefined);
    if (top && top.Name === truth) {
      correct++;
      counts.get(top.Name)!.tp++;
    } else {
      if (top) counts.get(top.Name)!.fp++;
      if (truth !== undefined) counts.get(truth)!.fn++;
    }
  }
  const perLabel = [...counts.values()];
  return {
    accuracy: images.length === 0 ? 0 : correct / images.length,
    macroF1: perLabel.length === 0 ? 0 : perLabel.reduce((sum, c) => sum + f1(c), 0) / perLabel.length,
    images: images.length,
  };
}

/**
 * Multi-label: micro-F1 (over every image × label decision) and macro-F1 (mean over labels that
 * occur in the truth or the predictions). A label is predicted when its confidence reaches
 * `threshold`, or, without one, when the model's own assumed threshold emitted it.
 */
export function multiLabelScores(images: readonly TestImageResult[], threshold?: number): { microF1: number; macroF1: number } {
  const counts = countsByLabel(images);
  for (const image of images) {
    for (const label of image.Labels) {
      const present = PRESENT.has(label.Result);
      const predicted = threshold === undefined ? EMITTED.has(label.Result) : label.Confidence >= threshold;
      const c = counts.get(label.Name)!;
      if (present && predicted) c.tp++;
      else if (predicted) c.fp++;
      else if (present) c.fn++;
    }
  }
  const all = [...counts.values()];
  const total = all.reduce((sum, c) => ({ tp: sum.tp + c.tp, fp: sum.fp + c.fp, fn: sum.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
  const used = all.filter((c) => c.tp + c.fp + c.fn > 0);
  return { microF1: f1(total), macroF1: used.length === 0 ? 0 : used.reduce((sum, c) => sum + f1(c), 0) / used.length };
}

/** Single-label: recall of the top-scoring label per true label (images of that label called it). */
export function topOneRecall(images: readonly TestImageResult[]): Record<string, number> {
  const hits = new Map<string, [number, number]>();
  for (const image of images) {
    const truth = truthOf(image)[0];
    if (truth === undefined) continue;
    const top = image.Labels.reduce<TestImageResult['Labels'][number] | undefined>((best, l) => (!best || l.Confidence > best.Confidence ? l : best), undefined);
    const [ok, all] = hits.get(truth) ?? [0, 0];
    hits.set(truth, [ok + (top?.Name === truth ? 1 : 0), all + 1]);
  }
  return Object.fromEntries([...hits].map(([label, [ok, all]]) => [label, ok / all]));
}

/** Average precision of one label's confidence over the images (all points: mean precision at each true image's rank). */
export function averagePrecision(images: readonly TestImageResult[], label: string): number {
  const scored = images.map((image) => ({
    confidence: image.Labels.find((l) => l.Name === label)?.Confidence ?? 0,
    truth: truthOf(image).includes(label),
  }));
  scored.sort((a, b) => b.confidence - a.confidence);
  const positives = scored.filter((s) => s.truth).length;
  if (positives === 0) return 0;
  let seen = 0;
  let sum = 0;
  scored.forEach((s, i) => {
    if (!s.truth) return;
    seen++;
    sum += seen / (i + 1);
  });
  return sum / positives;
}
