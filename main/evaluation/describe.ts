/**
 * DescribeEvaluation: what the Evaluate tab shows, read back from the version's own files (the
 * summary, the curves and the evaluation manifest snapshot), so the screen shows exactly what
 * the API reports; and what training chose by validation (the model file's `choices`), which the
 * Details tab shows.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EvaluationDescription, OutputOf, TestImageResult } from '../../preload/contract';
import type { DescribeEvaluationInput, GetTestHeatMapInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { codedError } from '../errors';
import { chosenThresholds, requireVersion } from '../models';
import { ANOMALY_HEATMAP_FOLDER, ANOMALY_LABELS, loadAnomalyModel, readAnomalyMetadata, verdictOf, type AnomalyMetadata } from '../engine/anomalyEngine';
import { encodeHeatMapPng } from '../../native/preprocess';
import { writeAtomically } from '../files';
import { readModelMetadata } from '../engine/modelFile';
import { outputLocation } from '../models/output';

// The files are Loupe's own, written by main/evaluation; their shape is known, not re-validated.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

export async function describeEvaluation(ctx: Context, input: DescribeEvaluationInput): Promise<OutputOf<'DescribeEvaluation'>> {
  const version = requireVersion(ctx, input.ProjectVersionArn);
  const evaluation = q.findEvaluation(ctx.db, version.id);
  const project = q.findProjectById(ctx.db, version.projectId)!;
  if (!evaluation?.summaryJson) {
    throw codedError('ResourceNotReadyException', 'NoEvaluationYet', { model: version.arn, status: version.status });
  }
  const folder = outputLocation(ctx, version, project.name).folder;
  const readJson = async (file: string) => JSON.parse(await readFile(join(folder, file), 'utf8')) as Json;
  const curves = (await readJson('evaluation_curves.json').catch(() => ({}))) as EvaluationDescription['Curves'];
  const lines = evaluation.manifestPath
    ? (await readFile(evaluation.manifestPath, 'utf8').catch(() => ''))
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Json)
    : [];
  const snapshot = version.snapshotJson ? (JSON.parse(version.snapshotJson) as { train: { labels: string[] }[] }) : undefined;
  const anomaly = version.modelPath ? await readAnomalyMetadata(version.modelPath).catch(() => undefined) : undefined;
  const choices = anomaly ? anomaly.choices : version.modelPath ? (await readModelMetadata(version.modelPath).catch(() => undefined))?.choices : undefined;
  const test = q.findDatasetOfType(ctx.db, project.id, 'TEST') ?? q.findDatasetOfType(ctx.db, project.id, 'TRAIN');
  const entryOf = (sourceRef: string) => (test ? q.findEntry(ctx.db, test.id, sourceRef) : undefined);
  const summary = JSON.parse(evaluation.summaryJson) as Json;
  if (anomaly) {
    // Read as the service's summary: anomalies are the positives, the labels are the two verdicts
    // (the kiosk's OK label is `normal`); the anomaly figures (AUROC, threshold, …) stay beside them.
    summary.AggregatedEvaluationResults = { F1Score: summary.f1, Precision: summary.precision, Recall: summary.recall };
    summary.EvaluationDetails = { Labels: [...ANOMALY_LABELS], NumberOfTestingImages: summary.testImages, NumberOfTrainingImages: summary.trainingImages };
    return {
      Summary: summary,
      Curves: {},
      // False rejects first, then misses, then the rest; each group by score, highest first.
      TestResults: lines
        .map((line) => anomalyTestResult(line, anomaly, entryOf))
        .sort((a, b) => wrongness(b.Anomaly!) - wrongness(a.Anomaly!) || b.Anomaly!.Score - a.Anomaly!.Score),
      TrainingImages: summary.trainingImages as number,
      TrainingLabels: 1,
      ChosenThresholds: {},
      ...(choices ? { Choices: choices } : {}),
    };
  }
  return {
    Summary: summary,
    Curves: curves,
    ...(version.manifestSummaryJson ? { ManifestSummary: JSON.parse(version.manifestSummaryJson) as Json } : {}),
    TestResults: lines.map((line) => testResult(line, entryOf)),
    TrainingImages: snapshot?.train.length ?? 0,
    TrainingLabels: new Set(snapshot?.train.flatMap((s) => s.labels) ?? []).size,
    ChosenThresholds: chosenThresholds(ctx, version.arn),
    ...(choices ? { Choices: choices } : {}),
  };
}

/**
 * GetTestHeatMap: the heat map of one test image of an anomaly model — the file training wrote
 * (its evaluation manifest names it) or, for versions trained before test heat maps were written,
 * computed now from the model file and the test image, and kept beside the others
 * (`heatmaps/<line>.png`, the name training gives it) for the next time.
 */
export async function getTestHeatMap(ctx: Context, input: GetTestHeatMapInput): Promise<OutputOf<'GetTestHeatMap'>> {
  const version = requireVersion(ctx, input.ProjectVersionArn);
  const evaluation = q.findEvaluation(ctx.db, version.id);
  const manifest = evaluation?.manifestPath ? await readFile(evaluation.manifestPath, 'utf8').catch(() => '') : '';
  const lines = manifest
    .split('\n')
    .filter((text) => text.trim() !== '')
    .map((text) => JSON.parse(text) as Json);
  const index = lines.findIndex((candidate) => candidate['source-ref'] === input.SourceRef);
  if (!evaluation?.manifestPath || index < 0) throw codedError('ResourceNotFoundException', 'NoTestResult', { file: input.SourceRef });
  const folder = dirname(evaluation.manifestPath);
  const file = lines[index]!['anomaly-heatmap-ref'];
  if (file !== undefined) {
    // Only a file in the heat-map folder beside the manifest, whatever the line says.
    if (typeof file !== 'string' || !/^heatmaps\/\d+\.png$/.test(file)) throw codedError('ResourceNotFoundException', 'NoHeatMap', { file: input.SourceRef });
    const bytes = await readFile(join(folder, file)).catch(() => undefined);
    if (!bytes) throw codedError('ResourceNotFoundException', 'HeatMapMissing', { file: input.SourceRef });
    return { HeatMap: bytes.toString('base64') };
  }
  const cached = join(folder, ANOMALY_HEATMAP_FOLDER, `${index}.png`);
  const kept = await readFile(cached).catch(() => undefined);
  if (kept) return { HeatMap: kept.toString('base64') };
  const metadata = version.modelPath ? await readAnomalyMetadata(version.modelPath).catch(() => undefined) : undefined;
  if (!version.modelPath || !metadata) throw codedError('ResourceNotFoundException', 'NotAnAnomalyModel', { model: version.arn });
  // The image as the test dataset holds it now (never a path the manifest line names).
  const project = q.findProjectById(ctx.db, version.projectId)!;
  const test = q.findDatasetOfType(ctx.db, project.id, 'TEST') ?? q.findDatasetOfType(ctx.db, project.id, 'TRAIN');
  const entry = test ? q.findEntry(ctx.db, test.id, input.SourceRef) : undefined;
  if (!entry?.path) throw codedError('ResourceNotFoundException', 'TestImageGone', { file: input.SourceRef });
  const model = await loadAnomalyModel(version.modelPath, { threads: 1 });
  let png: Buffer;
  try {
    const analysis = await model.analyze(entry.path).catch((error: unknown) => {
      throw codedError('ResourceNotFoundException', 'TestImageUnreadable', { file: input.SourceRef, reason: error instanceof Error ? error.message : String(error) });
    });
    png = await encodeHeatMapPng({ map: analysis.map, width: analysis.view.width, height: analysis.view.height, low: metadata.normalMedian, threshold: metadata.threshold });
  } finally {
    await model.close();
  }
  await mkdir(dirname(cached), { recursive: true });
  await writeAtomically(cached, png);
  return { HeatMap: png.toString('base64') };
}

/** A line of an anomaly model's evaluation manifest, with its score against the threshold. */
function anomalyTestResult(line: Json, metadata: AnomalyMetadata, entryOf: (sourceRef: string) => q.StoredEntry | undefined): TestImageResult {
  const sourceRef = String(line['source-ref']);
  const entry = entryOf(sourceRef);
  const truth = line['anomaly-label'] === 1;
  const score = Number(line['anomaly-score']);
  const verdict = verdictOf(metadata, score);
  // As a two-label classifier: the verdict is the predicted label; a wrong one also misses the true label.
  const predicted = verdict.isAnomalous ? 'anomaly' : 'normal';
  const actual = truth ? 'anomaly' : 'normal';
  const confidence = verdict.confidence * 100;
  const labels: TestImageResult['Labels'] =
    predicted === actual
      ? [{ Name: predicted, Confidence: confidence, Result: 'TRUE_POSITIVE' }]
      : [
          { Name: predicted, Confidence: confidence, Result: 'FALSE_POSITIVE' },
          { Name: actual, Confidence: 100 - confidence, Result: 'FALSE_NEGATIVE' },
        ];
  return {
    SourceRef: sourceRef,
    FileName: sourceRef.split(/[\\/]/).pop() ?? sourceRef,
    ...(entry ? { EntryId: entry.id } : {}),
    Width: entry?.width ?? 0,
    Height: entry?.height ?? 0,
    Labels: labels,
    Anomaly: { Score: score, Threshold: verdict.threshold, IsAnomalous: truth, PredictedAnomalous: verdict.isAnomalous, HasHeatMap: typeof line['anomaly-heatmap-ref'] === 'string' || entry?.path !== undefined },
  };
}

const wrongness = (a: NonNullable<TestImageResult['Anomaly']>) => (a.PredictedAnomalous && !a.IsAnomalous ? 2 : !a.PredictedAnomalous && a.IsAnomalous ? 1 : 0);

const resultOf = (details: Json): TestImageResult['Labels'][number]['Result'] =>
  details['is-true-positive']
    ? 'TRUE_POSITIVE'
    : details['is-false-positive']
      ? 'FALSE_POSITIVE'
      : details['is-false-negative']
        ? 'FALSE_NEGATIVE'
        : 'TRUE_NEGATIVE';

function testResult(line: Json, entryOf: (sourceRef: string) => q.StoredEntry | undefined): TestImageResult {
  const sourceRef = String(line['source-ref']);
  const entry = entryOf(sourceRef);
  const base = { SourceRef: sourceRef, FileName: sourceRef.split(/[\\/]/).pop() ?? sourceRef, ...(entry ? { EntryId: entry.id } : {}) };
  const detection = line['rekognition-custom-labels-evaluation-metadata'] as Json | undefined;
  if (detection) {
    const truth = line['rekognition-custom-labels-training-0'] as Json;
    const classMap = detection['class-map'] as Record<string, string>;
    const size = (truth.image_size as Json[])[0]!;
    const predicted = (line['rekognition-custom-labels-evaluation'] as Json).annotations as Json[];
    const objects = detection.objects as Json[];
    return {
      ...base,
      Width: size.width,
      Height: size.height,
      Labels: [],
      Boxes: [
        ...(truth.annotations as Json[]).map((a) => ({ Name: classMap[String(a.class_id)]!, Result: 'GROUND_TRUTH' as const, Left: a.left, Top: a.top, Width: a.width, Height: a.height })),
        ...predicted.map((a, i) => {
          const result = resultOf(objects[i]!['rekognition-custom-labels-evaluation-details'] as Json);
          return {
            Name: classMap[String(a.class_id)]!,
            ...(result === 'FALSE_NEGATIVE' ? {} : { Confidence: objects[i]!.confidence as number }),
            Result: result as 'TRUE_POSITIVE' | 'FALSE_POSITIVE' | 'FALSE_NEGATIVE',
            Left: a.left,
            Top: a.top,
            Width: a.width,
            Height: a.height,
          };
        }),
      ],
    };
  }
  const labels: TestImageResult['Labels'] = [];
  for (const [key, value] of Object.entries(line)) {
    if (!/^rekognition-custom-labels-evaluation-\d+-metadata$/.test(key)) continue;
    const meta = value as Json;
    labels.push({ Name: meta['class-name'], Confidence: meta.confidence, Result: resultOf(meta['rekognition-custom-labels-evaluation-details'] as Json) });
  }
  return { ...base, Width: entry?.width ?? 0, Height: entry?.height ?? 0, Labels: labels.sort((a, b) => b.Confidence - a.Confidence) };
}
