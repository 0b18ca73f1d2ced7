/**
 * DescribeEvaluation: what the Evaluate tab shows, read back from the version's own files (the
 * summary, the curves and the evaluation manifest snapshot), so the screen shows exactly what
 * the API reports; and what training chose by validation (the model file's `choices`), which the
 * Details tab shows.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvaluationDescription, OutputOf, TestImageResult } from '../../preload/contract';
import type { DescribeEvaluationInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import * as q from '../db/queries';
import { ServiceError } from '../errors';
import { chosenThresholds, requireVersion } from '../models';
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
    throw new ServiceError('ResourceNotReadyException', `The model ${version.arn} is ${version.status}; it has no evaluation yet. Wait for training to complete (DescribeProjectVersions).`);
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
  const choices = version.modelPath ? (await readModelMetadata(version.modelPath).catch(() => undefined))?.choices : undefined;
  const test = q.findDatasetOfType(ctx.db, project.id, 'TEST') ?? q.findDatasetOfType(ctx.db, project.id, 'TRAIN');
  const entryOf = (sourceRef: string) => (test ? q.findEntry(ctx.db, test.id, sourceRef) : undefined);
  return {
    Summary: JSON.parse(evaluation.summaryJson) as Json,
    Curves: curves,
    ...(version.manifestSummaryJson ? { ManifestSummary: JSON.parse(version.manifestSummaryJson) as Json } : {}),
    TestResults: lines.map((line) => testResult(line, entryOf)),
    TrainingImages: snapshot?.train.length ?? 0,
    TrainingLabels: new Set(snapshot?.train.flatMap((s) => s.labels) ?? []).size,
    ChosenThresholds: chosenThresholds(ctx, version.arn),
    ...(choices ? { Choices: choices } : {}),
  };
}

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
