/**
 * `npm run eval`: train and score Loupe on the real datasets in ../shared/datasets, where present,
 * through the product's own operations (CreateProject → CreateDataset → ImportFolder /
 * ImportAnnotations → CreateProjectVersion → DescribeEvaluation), each task on a fresh temporary
 * home, so every figure includes a cold feature cache. Prints one table: the figures against their
 * targets, and the seconds spent importing, embedding, training the head and testing.
 * One task only: `npm run eval -- --task hymenoptera` (repeatable).
 *
 * The clock of each home counts 1 ms per call, so ARNs, and with them the automatic 20% test split
 * (seeded by the version ARN), are the same on every run.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readModelMetadata } from '../../main/engine/modelFile';
import { aClock } from '../support/loupe';
import { anomalyTask, cookiesSet, viewsSet } from './anomaly';
import { multiLabelScores, topOneScores } from './metrics';
import {
  createDataset,
  createProject,
  importAnnotations,
  importFolder,
  timedLoupe,
  trainVersion,
  type TimedLoupe,
  type TrainedVersion,
} from './train';

const DATASETS = join(import.meta.dirname, '../../../shared/datasets');

type Row = Record<string, string>;

interface Task {
  name: string;
  /** The folder or file the task needs, relative to DATASETS. */
  needs: string;
  run(): Promise<Row[]>;
}

const fixed = (value: number) => value.toFixed(3);
const seconds = (value: number) => value.toFixed(1);

function timings(importS: number, version: TrainedVersion): Row {
  return {
    'import s': seconds(importS),
    ...(version.phases
      ? { 'embed s': seconds(version.phases.embedS), 'head s': seconds(version.phases.headS), 'test s': seconds(version.phases.testS) }
      : {}),
    'train total s': seconds(version.seconds),
  };
}

function verdict(value: number, target: number | undefined): Row {
  return target === undefined ? {} : { target: `≥ ${target.toFixed(2)}`, met: value >= target ? 'yes' : 'NO' };
}

/** A project on a fresh home, its datasets filled by `prepare`, trained once, then scored. */
async function classificationTask(
  name: string,
  kind: 'single' | 'multi',
  target: number | undefined,
  prepare: (loupe: TimedLoupe, projectArn: string) => Promise<number>,
): Promise<Row[]> {
  const loupe = timedLoupe({ now: aClock() });
  try {
    const projectArn = await createProject(loupe, name);
    const importS = await prepare(loupe, projectArn);
    const version = await trainVersion(loupe, projectArn, 'eval');
    if (version.status !== 'TRAINING_COMPLETED') {
      return [{ task: name, metric: 'training', value: `${version.status}: ${version.message}`, ...timings(importS, version) }];
    }
    const evaluation = await loupe.ok('DescribeEvaluation', { ProjectVersionArn: version.arn });
    const images = `${evaluation.TrainingImages} / ${evaluation.TestResults.length}`;
    const summaryF1 = (evaluation.Summary as { AggregatedEvaluationResults: { F1Score: number } }).AggregatedEvaluationResults.F1Score;
    const head = { task: name, 'train / test images': images };
    if (kind === 'single') {
      const scores = topOneScores(evaluation.TestResults);
      return [
        { ...head, metric: 'accuracy (top-1)', value: fixed(scores.accuracy), ...verdict(scores.accuracy, target), ...timings(importS, version) },
        { task: name, metric: 'macro-F1 (top-1)', value: fixed(scores.macroF1) },
        { task: name, metric: 'F1, summary (per-label thresholds)', value: fixed(summaryF1) },
      ];
    }
    const assumed = multiLabelScores(evaluation.TestResults);
    const half = multiLabelScores(evaluation.TestResults, 0.5);
    return [
      { ...head, metric: 'micro-F1 @ assumed thresholds', value: fixed(assumed.microF1), ...timings(importS, version) },
      { task: name, metric: 'macro-F1 @ assumed thresholds', value: fixed(assumed.macroF1) },
      { task: name, metric: 'micro-F1 @ 0.5', value: fixed(half.microF1) },
      { task: name, metric: 'macro-F1 @ 0.5', value: fixed(half.macroF1) },
    ];
  } finally {
    loupe.dispose();
  }
}

/** What training chose for the latest model (its file's metadata), as `key=value` pairs. */
async function chosenSettings(loupe: TimedLoupe): Promise<Row> {
  const path = loupe.lastModelPath();
  const chosen = path ? (await readModelMetadata(path)).choices?.chosen : undefined;
  return chosen ? { chosen: Object.entries(chosen).map(([key, value]) => `${key}=${String(value)}`).join(' ') } : {};
}

/** Detection: imported and sent to training like the rest, scored by mAP@0.5 (AP@0.5 for one label). */
async function detectionTask(name: string, target: number, prepare: (loupe: TimedLoupe, projectArn: string) => Promise<number>): Promise<Row[]> {
  const loupe = timedLoupe({ now: aClock() });
  try {
    const projectArn = await createProject(loupe, name);
    const importS = await prepare(loupe, projectArn);
    const version = await trainVersion(loupe, projectArn, 'eval');
    const row: Row = { task: name, metric: 'mAP@0.5', target: `≥ ${target.toFixed(2)}` };
    if (version.status !== 'TRAINING_COMPLETED') {
      const notYet = /not available/i.test(version.message);
      return [{ ...row, value: notYet ? 'not available yet' : `${version.status}: ${version.message}`, met: notYet ? '—' : 'NO', 'import s': seconds(importS) }];
    }
    const evaluation = await loupe.ok('DescribeEvaluation', { ProjectVersionArn: version.arn });
    const map = (evaluation.Summary as { AggregatedEvaluationResults: { AveragePrecision?: number } }).AggregatedEvaluationResults.AveragePrecision ?? 0;
    return [
      {
        ...row,
        'train / test images': `${evaluation.TrainingImages} / ${evaluation.TestResults.length}`,
        value: fixed(map),
        ...verdict(map, target),
        ...timings(importS, version),
        ...(await chosenSettings(loupe)),
      },
    ];
  } finally {
    loupe.dispose();
  }
}

const TASKS: Task[] = [
  {
    name: 'hymenoptera',
    needs: 'hymenoptera',
    run: () =>
      classificationTask('hymenoptera', 'single', 0.9, async (loupe, projectArn) => {
        const train = await createDataset(loupe, projectArn, 'TRAIN');
        const test = await createDataset(loupe, projectArn, 'TEST');
        return (
          (await importFolder(loupe, { DatasetArn: train, Folder: join(DATASETS, 'hymenoptera/train') })) +
          (await importFolder(loupe, { DatasetArn: test, Folder: join(DATASETS, 'hymenoptera/val') }))
        );
      }),
  },
  {
    // One TRAIN dataset: CreateProjectVersion holds out 20% of each class as the test set.
    name: 'neu-cls',
    needs: 'neu-cls',
    run: () =>
      classificationTask('neu-cls', 'single', 0.99, async (loupe, projectArn) => {
        const train = await createDataset(loupe, projectArn, 'TRAIN');
        return importFolder(loupe, { DatasetArn: train, Folder: join(DATASETS, 'neu-cls') });
      }),
  },
  {
    // The CSV's split column: train rows go to TRAIN, val rows to TEST.
    name: 'facemask-multilabel',
    needs: 'multilabel/facemask_multilabel.csv',
    run: () =>
      classificationTask('facemask-multilabel', 'multi', undefined, async (loupe, projectArn) => {
        let seconds = 0;
        for (const type of ['TRAIN', 'TEST'] as const) {
          const DatasetArn = await createDataset(loupe, projectArn, type);
          seconds += await importAnnotations(loupe, {
            DatasetArn,
            Format: 'CSV',
            Path: join(DATASETS, 'multilabel/facemask_multilabel.csv'),
            ImagesFolder: DATASETS,
          });
        }
        return seconds;
      }),
  },
  {
    name: 'raccoon',
    needs: 'raccoon',
    run: () =>
      detectionTask('raccoon', 0.9, async (loupe, projectArn) => {
        let seconds = 0;
        for (const [type, file] of [
          ['TRAIN', 'train_labels.csv'],
          ['TEST', 'test_labels.csv'],
        ] as const) {
          const DatasetArn = await createDataset(loupe, projectArn, type);
          seconds += await importAnnotations(loupe, {
            DatasetArn,
            Format: 'CSV',
            Path: join(DATASETS, 'raccoon/data', file),
            ImagesFolder: join(DATASETS, 'raccoon/images'),
          });
        }
        return seconds;
      }),
  },
  {
    name: 'bccd',
    needs: 'bccd',
    run: () =>
      detectionTask('bccd', 0.8, async (loupe, projectArn) => {
        const DatasetArn = await createDataset(loupe, projectArn, 'TRAIN');
        return importAnnotations(loupe, {
          DatasetArn,
          Format: 'VOC',
          Path: join(DATASETS, 'bccd/BCCD/Annotations'),
          ImagesFolder: join(DATASETS, 'bccd/BCCD/JPEGImages'),
        });
      }),
  },
  {
    // Pitting boxes from the COCO polygons' bounding boxes, on wide 1130 × 460 images; one TRAIN
    // dataset, so CreateProjectVersion holds out 20% as the test set (seeded by the version ARN,
    // itself fixed by the home's clock).
    name: 'bsdata-det',
    needs: 'bsdata/annotations/instances_all.json',
    run: () =>
      detectionTask('bsdata-det', 0.7, async (loupe, projectArn) => {
        const DatasetArn = await createDataset(loupe, projectArn, 'TRAIN');
        return importAnnotations(loupe, {
          DatasetArn,
          Format: 'COCO',
          Path: join(DATASETS, 'bsdata/annotations/instances_all.json'),
          ImagesFolder: join(DATASETS, 'bsdata/images'),
        });
      }),
  },
  // Good-only anomaly detection: trained on normal images alone.
  { name: 'l4v-cookies', needs: 'l4v-cookies', run: () => anomalyTask('l4v-cookies', cookiesSet(DATASETS), { auroc: 0.98 }) },
  { name: 'kolektorsdd-anomaly', needs: 'kolektorsdd/views.csv', run: () => anomalyTask('kolektorsdd-anomaly', viewsSet(join(DATASETS, 'kolektorsdd')), { auroc: 0.95, f1: 0.85 }) },
  { name: 'bsdata-anomaly', needs: 'bsdata/views.csv', run: () => anomalyTask('bsdata-anomaly', viewsSet(join(DATASETS, 'bsdata')), { auroc: 0.95, f1: 0.85 }) },
];

/** A Markdown table of `rows`, columns in order of first appearance. */
export function table(rows: Row[]): string {
  if (rows.length === 0) return '(no rows)';
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const lines = [columns, columns.map(() => '---'), ...rows.map((row) => columns.map((c) => String(row[c] ?? '')))];
  return lines.map((line) => `| ${line.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { task: { type: 'string', multiple: true } } });
  const wanted = values.task ?? [];
  const unknown = wanted.filter((name) => !TASKS.some((task) => task.name === name));
  if (unknown.length > 0) throw new Error(`unknown task ${unknown.join(', ')}; tasks are ${TASKS.map((t) => t.name).join(', ')}`);
  const chosen = TASKS.filter((task) => wanted.length === 0 || wanted.includes(task.name));
  const rows: Row[] = [];
  const started = performance.now();
  const loadAtStart = loadavg()[0]!;
  for (const task of chosen) {
    const path = join(DATASETS, task.needs);
    if (!existsSync(path)) {
      process.stdout.write(`skipped ${task.name}: ${path} is not there\n`);
      rows.push({ task: task.name, value: 'skipped: no data' });
      continue;
    }
    process.stderr.write(`${task.name}…\n`);
    const taskStart = performance.now();
    try {
      rows.push(...(await task.run()));
    } catch (error) {
      rows.push({ task: task.name, metric: 'error', value: error instanceof Error ? error.message : String(error) });
    }
    process.stderr.write(`${task.name}: ${((performance.now() - taskStart) / 1000).toFixed(1)} s\n`);
  }
  const wall = ((performance.now() - started) / 1000).toFixed(1);
  const load = `${loadAtStart.toFixed(1)} → ${loadavg()[0]!.toFixed(1)}`;
  process.stdout.write(`\n## eval\n\n${table(rows)}\n\nAll tasks: ${wall} s wall; one-minute load average ${load} on ${cpus().length} CPUs.\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
