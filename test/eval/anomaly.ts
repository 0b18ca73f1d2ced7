/**
 * The anomaly tasks of `npm run eval`: good-only training through the anomaly pipeline
 * (main/engine/anomalyEngine.ts — the file it writes is the file scored), on l4v-cookies (its
 * normal training images; its test images) and on the anomaly views of kolektorsdd and bsdata
 * (views.csv rows: train/good, test/good, test/<defect> with masks). Reports image AUROC, F1 /
 * precision / recall at the good-only threshold, pixel AUROC, training seconds and analysis ms per
 * image (the model file on the view, one image at a time).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAnomalyModel, trainAnomalyVersion, viewPixels, type AnomalyTestImage } from '../../main/engine/anomalyEngine';

type Row = Record<string, string>;

const MODELS = join(import.meta.dirname, '../../dist/models');

export interface AnomalySet {
  good: string[];
  test: AnomalyTestImage[];
}

/** l4v-cookies: the normal training images; the test images named test-anomaly-* and test-normal-*. */
export function cookiesSet(datasets: string): AnomalySet {
  const base = join(datasets, 'l4v-cookies/computer-vision-defect-detection/cookie-dataset');
  const training = join(base, 'dataset-files/training-images');
  const testFolder = join(base, 'test-images');
  return {
    good: readdirSync(training).filter((name) => name.startsWith('normal')).sort().map((name) => join(training, name)),
    test: readdirSync(testFolder).sort().map((name) => ({ path: join(testFolder, name), anomalous: name.includes('anomaly') })),
  };
}

/** A views.csv anomaly split (image, class, anomaly_split, anomaly_label, mask). */
export function viewsSet(folder: string): AnomalySet {
  const lines = readFileSync(join(folder, 'views.csv'), 'utf8').split(/\r?\n/).filter(Boolean);
  const header = lines[0]!.split(',');
  const at = (name: string) => header.indexOf(name);
  const set: AnomalySet = { good: [], test: [] };
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const image = join(folder, cells[at('image')]!);
    const label = cells[at('anomaly_label')]!;
    const mask = cells[at('mask')];
    if (cells[at('anomaly_split')] === 'train' && label === 'good') set.good.push(image);
    else if (cells[at('anomaly_split')] === 'test') set.test.push({ path: image, anomalous: label !== 'good', ...(mask ? { mask: join(folder, mask) } : {}) });
  }
  return set;
}

const fixed = (value: number | null) => (value === null ? 'n/a' : value.toFixed(3));

/** Train good-only on `set`, score its test images, and time one image's analysis. */
export async function anomalyTask(name: string, set: AnomalySet, targets: { auroc: number; f1?: number }): Promise<Row[]> {
  const outputDir = mkdtempSync(join(tmpdir(), 'loupe-eval-anomaly-'));
  try {
    const trained = await trainAnomalyVersion({ good: set.good, test: set.test, outputDir, modelsDir: MODELS });
    const e = trained.evaluation;
    const model = await loadAnomalyModel(trained.modelPath);
    let ms = 0;
    try {
      const sample = set.test.slice(0, 10);
      const pixels = await Promise.all(sample.map((item) => viewPixels(item.path, trained.metadata.view)));
      await model.analyzePixels(pixels[0]!);
      const started = performance.now();
      for (const image of pixels) await model.analyzePixels(image);
      ms = (performance.now() - started) / pixels.length;
    } finally {
      await model.close();
    }
    const head = {
      task: name,
      'train / test images': `${e.trainingImages} / ${e.testImages}`,
      'train total s': e.trainingSeconds.toFixed(1),
      'analysis ms': ms.toFixed(0),
    };
    const met = (value: number | null, target: number) => ({ target: `≥ ${target.toFixed(2)}`, met: value !== null && value >= target ? 'yes' : 'NO' });
    return [
      { ...head, metric: 'image AUROC', value: fixed(e.imageAuroc), ...met(e.imageAuroc, targets.auroc) },
      {
        task: name,
        metric: `F1 at good-only threshold (P ${fixed(e.precision)}, R ${fixed(e.recall)}, held-out good rejected ${(100 * e.heldOutFalseRejectRate).toFixed(1)} %)`,
        value: fixed(e.f1),
        ...(targets.f1 !== undefined ? met(e.f1, targets.f1) : {}),
      },
      { task: name, metric: 'pixel AUROC', value: fixed(e.pixelAuroc) },
      { task: name, metric: `view ${trained.metadata.viewKind ?? 'whole'} ${trained.metadata.view.width}×${trained.metadata.view.height}, bank ${trained.metadata.bankSize}, place ${trained.metadata.choices?.chosen.placeWeight ?? 0}, ${trained.metadata.choices?.chosen.imageScore ?? 'max'}, maps chosen`, value: String(trained.metadata.featureMaps.length) },
      ...e.validation.map((v) => ({ task: name, metric: `candidate ${v.view} ${v.width}×${v.height}, ${v.featureMaps.length} map(s), place ${(v.placeWeight ?? 0).toFixed(1)}, bank ${v.bankSize ?? '?'}, ${v.imageScore}: validation recall at its threshold / AUROC (${v.seconds.toFixed(0)} s for the view)`, value: `${v.recall.toFixed(3)} / ${v.auroc.toFixed(3)}` })),
    ];
  } finally {
    rmSync(outputDir, { recursive: true, force: true });
  }
}
