/**
 * ExportModelRepository: a trained version as a Triton model repository root that also runs on
 * KServe and OpenVINO Model Server, with a parity kit. The folder gets `<model>/config.pbtxt` (CPU),
 * `<model>/configs/gpu.pbtxt`, `<model>/labels.txt`, `<model>/loupe.json`, `<model>/1/model.onnx`
 * (the serving graph: main/engine/servingGraph.ts), `golden/NNN/<tensor>.npy`, `kserve.yaml` and
 * `README.md`.
 *
 * Parity is checked, not assumed: the job runs Loupe's own analysis (the engine's `analyze`, the
 * path DetectCustomLabels takes) on each golden image and the exported file, read back from disk,
 * on the same pixels, and refuses to finish unless top-1 labels and every per-label verdict (at the
 * thresholds loupe.json states against the ones Loupe uses) agree everywhere, scores within 1e-4
 * and boxes within 1e-3 of the image size. A refused or cancelled export leaves the folder empty.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { OutputOf } from '../../preload/contract';
import type { ExportModelRepositoryInput } from '../../preload/contract/schemas';
import type { Context } from '../core/context';
import type { JobHandle } from '../core/progress';
import * as q from '../db/queries';
import { loadAnomalyModel, type AnomalyAnalysis } from '../engine/anomalyEngine';
import type { Analysis } from '../engine/engine';
import { buildServingGraph, servingModelName, type ServingGraph } from '../engine/servingGraph';
import { codedError } from '../errors';
import { startJob } from '../jobs';
import { createLogger } from '../log';
import type { Detection, Region } from '../../native/detect';
import type { RgbPixels } from '../../native/models';
import { createSession, type OrtSession, type TensorOutput } from '../../native/ort';
import { probeImageHeader, resizedPng, rgbPng, type RgbImage } from '../../native/preprocess';
import { cutTiles, decodeForTiles } from '../engine/detectionEngine';
import type { DetectorMetadata } from '../engine/modelFile';
import { mergeServedTiles, tileBatches, tileDetections } from '../engine/tiledServing';
import { requireVersion } from './index';
import { chosenThresholds } from './thresholds';
import { configPbtxt, kserveYaml, npy, readme } from './repositoryFiles';
import { TILES_REFERENCE_FILE, TILES_REFERENCE_PY } from './tilesReference';

const log = createLogger('models');

const TRAINED = new Set(['TRAINING_COMPLETED', 'STOPPED', 'RUNNING', 'STARTING', 'STOPPING', 'FAILED', 'COPYING_COMPLETED']);
/** Golden images: the version's test images first, then its training images, then generated ones to reach MIN. */
const GOLDEN_MAX = 12;
const GOLDEN_MIN = 8;
export const PARITY = { score: 1e-4, box: 1e-3 } as const;
/**
 * An anomaly map is held to the scores' figure, relative to its scale: the serving graph gives the model
 * DetectAnomalies' input bit for bit (servingGraph.ts `normalise`), so the maps agree to rounding.
 */
const MAP_TOLERANCE = PARITY.score;

/** Test seam: runs once every file is written, before the parity check reads them back. */
export interface ExportHooks {
  beforeParity?: (folder: string, modelName: string) => Promise<void>;
}

export async function exportModelRepository(ctx: Context, input: ExportModelRepositoryInput, hooks: ExportHooks = {}): Promise<OutputOf<'ExportModelRepository'>> {
  const version = requireVersion(ctx, input.ProjectVersionArn);
  if (!TRAINED.has(version.status) || !version.modelPath) {
    throw codedError('ResourceNotReadyException', 'ModelNotExportable', { status: version.status });
  }
  if (!isAbsolute(input.Folder)) throw codedError('InvalidParameterException', 'NotAbsolutePath', { field: 'Folder', path: input.Folder });
  const folder = resolve(input.Folder);
  const engine = ctx.engine;
  if (!engine) throw codedError('InternalServerError', 'NoModelEngine');
  const project = q.findProjectById(ctx.db, version.projectId)!;
  const modelName = servingModelName(project.name, version.name);
  const modelPath = version.modelPath;
  await requireNewOrEmpty(folder);
  const jobId = startJob(
    ctx,
    {
      kind: 'ExportModelRepository',
      resourceArn: version.arn,
      input,
    },
    async (job) => {
      const created = await claimFolder(folder);
      try {
        await writeRepository(ctx, { folder, modelName, modelPath, version, projectName: project.name, job, hooks });
        return `Exported ${modelName} to ${folder}.`;
      } catch (error) {
        // What was written is of no use: a refused or cancelled export leaves the folder as it found it.
        await emptyFolder(folder, created);
        throw error;
      }
    },
  );
  return { Folder: folder, ModelName: modelName, JobId: jobId };
}

/** The folder must not exist yet, or be an empty folder: an export never mixes with other files. */
async function requireNewOrEmpty(folder: string): Promise<boolean> {
  const info = await stat(folder).catch(() => undefined);
  if (!info) return true;
  if (!info.isDirectory()) throw codedError('InvalidParameterException', 'NotAFolder', { path: folder });
  if ((await readdir(folder)).length > 0) throw codedError('InvalidParameterException', 'ExportFolderNotEmpty', { path: folder });
  return false;
}

/** Checked again when the job starts; returns whether the export created the folder. */
async function claimFolder(folder: string): Promise<boolean> {
  const created = await requireNewOrEmpty(folder);
  await mkdir(folder, { recursive: true });
  return created;
}

async function emptyFolder(folder: string, created: boolean): Promise<void> {
  if (created) {
    await rm(folder, { recursive: true, force: true });
    return;
  }
  for (const name of await readdir(folder).catch(() => [] as string[])) await rm(join(folder, name), { recursive: true, force: true });
}

interface WriteOptions {
  folder: string;
  modelName: string;
  modelPath: string;
  version: q.VersionRow;
  projectName: string;
  job: JobHandle;
  hooks: ExportHooks;
}

interface Golden {
  pixels: RgbImage;
  png: Buffer;
  source: string;
  /** A tiled detector's image: the graph's input is its tiles (tiledServing.ts), cut from its decode at the tiles' scale. */
  tiled?: TiledImage;
}

interface TiledImage {
  size: { width: number; height: number };
  decoded: RgbPixels;
  tiles: { region: Region; pixels: RgbPixels }[];
}

async function writeRepository(ctx: Context, options: WriteOptions): Promise<void> {
  const { folder, modelName, modelPath, version, job } = options;
  job.progress({ phase: 'building', done: 0, total: 1, message: 'Building the serving graph' });
  const graph = await buildServingGraph(dirnameOf(modelPath));
  job.throwIfCancelled();
  const modelDir = join(folder, modelName);
  await mkdir(join(modelDir, '1'), { recursive: true });
  await mkdir(join(modelDir, 'configs'), { recursive: true });
  await writeFile(join(modelDir, '1', 'model.onnx'), graph.onnx);
  const common = { name: modelName, inputs: graph.inputs, outputs: graph.outputs, maxBatchSize: graph.maxBatchSize, warmup: graph.nativeSize, ...(graph.useCase === 'classification' || graph.useCase === 'multi-label' ? { labelledOutput: 'scores' } : {}) };
  await writeFile(join(modelDir, 'config.pbtxt'), configPbtxt({ ...common, kind: 'KIND_CPU' }));
  await writeFile(join(modelDir, 'configs', 'gpu.pbtxt'), configPbtxt({ ...common, kind: 'KIND_GPU' }));
  await writeFile(join(modelDir, 'labels.txt'), `${graph.labels.join('\n')}\n`);
  const saved = chosenThresholds(ctx, version.arn);
  const assumed = graph.metadata.useCase === 'ANOMALY_DETECTION' ? { anomaly: graph.metadata.threshold } : graph.metadata.thresholds;
  const effective = Object.fromEntries(graph.labels.map((label) => [label, saved[label] ?? assumed[label] ?? 0.5]));
  const evaluation = q.findEvaluation(ctx.db, version.id);
  const summary = evaluation?.summaryJson ? (JSON.parse(evaluation.summaryJson) as Record<string, unknown>) : undefined;
  const loupeJson = {
    format: 1,
    modelName,
    useCase: graph.useCase,
    labels: graph.labels,
    thresholds: { assumed, saved, effective },
    inputs: graph.inputs,
    outputs: graph.outputs,
    maxBatchSize: graph.maxBatchSize,
    servingContract: graph.contract,
    evaluation: { f1Score: evaluation?.f1Score ?? null, ...(summary?.AggregatedEvaluationResults ? { aggregated: summary.AggregatedEvaluationResults } : {}), ...(summary?.LabelEvaluationResults ? { labels: summary.LabelEvaluationResults } : {}) },
    provenance: {
      project: options.projectName,
      version: version.name,
      projectVersionArn: version.arn,
      backbone: graph.metadata.backbone,
      executionProvider: version.executionProvider,
      trainedAt: version.trainingEndMs === null ? null : new Date(version.trainingEndMs).toISOString(),
      exportedAt: new Date(ctx.now()).toISOString(),
      sourceModelSha256: createHash('sha256').update(await readFile(modelPath)).digest('hex'),
      servingModelSha256: createHash('sha256').update(graph.onnx).digest('hex'),
    },
  };
  await writeFile(join(modelDir, 'loupe.json'), `${JSON.stringify(loupeJson, null, 2)}\n`);
  await writeFile(join(folder, 'kserve.yaml'), kserveYaml(modelName, basename(folder)));

  const images = await goldenImages(ctx, version, graph, job);
  await writeFile(
    join(folder, 'README.md'),
    readme({ modelName, project: options.projectName, version: version.name, useCase: graph.useCase, labels: graph.labels, inputs: graph.inputs, outputs: graph.outputs, nativeSize: graph.nativeSize, goldenCount: images.length, tiled: Boolean(graph.contract.tiling) }),
  );
  if (graph.contract.tiling) await writeFile(join(folder, TILES_REFERENCE_FILE), TILES_REFERENCE_PY);

  // The golden outputs are the exported file's, run here; the parity check below holds them to Loupe's own analysis.
  const { session } = await createSession(await readFile(join(modelDir, '1', 'model.onnx')), { threads: 1, name: `${modelName} (export)` });
  const outputs: Record<string, TensorOutput>[] = [];
  try {
    for (const [i, image] of images.entries()) {
      job.throwIfCancelled();
      job.progress({ phase: 'golden', done: i, total: images.length, message: 'Writing the golden images' });
      const dir = join(folder, 'golden', String(i).padStart(3, '0'));
      await mkdir(dir, { recursive: true });
      if (image.tiled) {
        // The graph's input is the image's tiles (those of the first size: goldenImages makes them one size where it can); the image, its decode and the merged answer beside them.
        const [batch] = tileBatches(image.tiled.tiles);
        const run = await runTiles(session, image.tiled, tiledDetection(graph));
        await writeFile(join(dir, 'image.npy'), npy('UINT8', batch!.image.dims, batch!.image.data));
        for (const spec of graph.outputs) await writeFile(join(dir, `${spec.name}.npy`), npy(spec.datatype, run.outputs[0]![spec.name]!.dims, run.outputs[0]![spec.name]!.data));
        const { decoded, size } = image.tiled;
        await writeFile(join(dir, 'source_image.npy'), npy('UINT8', [decoded.height, decoded.width, 3], decoded.data));
        await writeFile(join(dir, 'source_size.npy'), npy('INT32', [2], Int32Array.of(size.width, size.height)));
        const merged = mergedOutputs(run.merged, size);
        for (const name of ['boxes', 'scores', 'classes', 'count'] as const) await writeFile(join(dir, `merged_${name}.npy`), npy(name === 'classes' || name === 'count' ? 'INT32' : 'FP32', merged[name]!.dims, merged[name]!.data));
        continue;
      }
      const dims = [1, image.pixels.height, image.pixels.width, 3];
      const out = await session.run({ image: { data: new Uint8Array(image.pixels.data.buffer, image.pixels.data.byteOffset, image.pixels.data.byteLength), dims } });
      outputs.push(out);
      await writeFile(join(dir, 'image.npy'), npy('UINT8', dims, image.pixels.data));
      for (const spec of graph.outputs) await writeFile(join(dir, `${spec.name}.npy`), npy(spec.datatype, out[spec.name]!.dims, out[spec.name]!.data));
    }
  } finally {
    await session.release();
  }
  await options.hooks.beforeParity?.(folder, modelName);
  await checkParity(ctx, { folder, modelName, modelPath, graph, images, effective, job });
  log.info('model repository exported', { version: version.arn, folder, images: images.length });
}

function dirnameOf(path: string): string {
  return resolve(path, '..');
}

/**
 * The sample images: the version's test images (then training images) stretched to the size the
 * app reads without resampling (classifiers) or to the input's side on their shorter side
 * (detectors, so the graph's resize is exercised), and generated ones when there are too few.
 */
async function goldenImages(ctx: Context, version: q.VersionRow, graph: ServingGraph, job: JobHandle): Promise<Golden[]> {
  const snapshot = version.snapshotJson ? (JSON.parse(version.snapshotJson) as { test?: { hash: string }[]; train?: { hash: string }[] }) : {};
  const hashes = [...(snapshot.test ?? []), ...(snapshot.train ?? [])].map((s) => s.hash);
  const paths = new Map<string, string>();
  for (const dataset of q.listDatasetsOfProject(ctx.db, version.projectId)) {
    for (const entry of q.allEntries(ctx.db, dataset.id)) if (entry.path && entry.contentHash && !paths.has(entry.contentHash)) paths.set(entry.contentHash, entry.path);
  }
  const tiling = graph.metadata.useCase === 'OBJECT_LOCALIZATION' ? graph.metadata.detection.tiling : undefined;
  const sizeFor = (width: number, height: number) => {
    if (graph.useCase !== 'detection') return graph.nativeSize;
    // Tiled: about two tiles along the shorter side, so the grid, the cut and the merge all take part.
    const side = tiling ? Math.round(tiling.side * 1.7) : graph.nativeSize.width;
    const scale = side / Math.min(width, height);
    return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  };
  const golden: Golden[] = [];
  for (const hash of new Set(hashes)) {
    if (golden.length >= GOLDEN_MAX) break;
    const path = paths.get(hash);
    if (!path) continue;
    job.throwIfCancelled();
    job.progress({ phase: 'images', done: golden.length, total: GOLDEN_MAX, message: 'Preparing the golden images' });
    try {
      const bytes = await readFile(path);
      const header = await probeImageHeader(bytes);
      if (!header.ok) continue;
      const size = sizeFor(header.width, header.height);
      golden.push(await withTiles(graph, size, (width, height) => resizedPng(bytes, width, height), basename(path)));
    } catch (error) {
      log.warn('golden image skipped', { path, error: error instanceof Error ? error.message : String(error) });
    }
  }
  for (let seed = 1; golden.length < GOLDEN_MIN; seed++) {
    const size = sizeFor(graph.nativeSize.width + (seed % 3) * 7, graph.nativeSize.height);
    golden.push(
      await withTiles(
        graph,
        size,
        async (width, height) => {
          const pixels = patternPixels(width, height, seed);
          return { pixels, png: await rgbPng(pixels) };
        },
        `generated pattern ${seed}`,
      ),
    );
  }
  return golden;
}

/**
 * A golden image of about `size` made by `make`; for a tiled detector, decoded and cut as Loupe does,
 * one pixel wider at a time (up to 8) until every tile has one size, so the graph's input is one batch.
 */
async function withTiles(graph: ServingGraph, size: { width: number; height: number }, make: (width: number, height: number) => Promise<{ pixels: RgbImage; png: Buffer }>, source: string): Promise<Golden> {
  const tiling = graph.metadata.useCase === 'OBJECT_LOCALIZATION' ? graph.metadata.detection.tiling : undefined;
  if (!tiling) return { ...(await make(size.width, size.height)), source };
  let last: Golden | undefined;
  for (let extra = 0; extra < 8; extra++) {
    const width = size.width + extra;
    const made = await make(width, size.height);
    const decoded = await decodeForTiles(made.png, { width, height: size.height }, graph.metadata.input.width, tiling);
    const tiles = cutTiles(decoded, { width, height: size.height }, tiling);
    last = { ...made, source, tiled: { size: { width, height: size.height }, decoded, tiles } };
    if (tileBatches(tiles).length === 1) return last;
  }
  return last!;
}

function tiledDetection(graph: ServingGraph): DetectorMetadata['detection'] {
  if (graph.metadata.useCase !== 'OBJECT_LOCALIZATION') throw new Error('not a detector');
  return graph.metadata.detection;
}

/** The exported graph on an image's tiles, batched by size, and the merged answer (tiledServing.ts, the steps loupe.json states). */
async function runTiles(session: OrtSession, tiled: TiledImage, detection: DetectorMetadata['detection']): Promise<{ outputs: Record<string, TensorOutput>[]; merged: Detection[] }> {
  const perTile: Detection[][] = [];
  const outputs: Record<string, TensorOutput>[] = [];
  for (const batch of tileBatches(tiled.tiles)) {
    const out = await session.run({ image: batch.image });
    outputs.push(out);
    batch.indices.forEach((index, row) => {
      perTile[index] = tileDetections(out, row, tiled.tiles[index]!.region);
    });
  }
  const merged = mergeServedTiles(
    tiled.tiles.map(({ region }, i) => ({ region, detections: perTile[i]! })),
    tiled.size,
    detection,
  );
  return { outputs, merged };
}

/** Merged detections in the serving graph's output form for one image: boxes as shares of it, scores, classes, count. */
function mergedOutputs(merged: readonly Detection[], size: { width: number; height: number }): Record<string, TensorOutput> {
  const M = merged.length;
  return {
    boxes: { data: Float32Array.from(merged.flatMap((d) => [d.left / size.width, d.top / size.height, d.width / size.width, d.height / size.height])), dims: [1, M, 4] },
    scores: { data: Float32Array.from(merged, (d) => d.confidence), dims: [1, M] },
    classes: { data: Int32Array.from(merged, (d) => d.classIndex), dims: [1, M] },
    count: { data: Int32Array.of(M), dims: [1, 1] },
  };
}

/** Deterministic colour stripes and a square, so generated golden images have edges and colour. */
function patternPixels(width: number, height: number, seed: number): RgbImage {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      const inSquare = Math.abs(x - width / 2) < width / 5 && Math.abs(y - height / 2) < height / 5;
      data[at] = inSquare ? (seed * 97) % 256 : (x * 255) / Math.max(1, width - 1);
      data[at + 1] = inSquare ? (seed * 53) % 256 : (y * 255) / Math.max(1, height - 1);
      data[at + 2] = ((x + y) * seed * 11) % 256;
    }
  }
  return { data, width, height };
}

interface ParityOptions {
  folder: string;
  modelName: string;
  modelPath: string;
  graph: ServingGraph;
  images: Golden[];
  /** The thresholds Loupe applies (saved, else assumed). */
  effective: Record<string, number>;
  job: JobHandle;
}

/** Loupe's analysis of each golden PNG against the exported file and loupe.json as written; throws on the first disagreement list. */
async function checkParity(ctx: Context, options: ParityOptions): Promise<void> {
  const { folder, modelName, graph, images, effective, job } = options;
  const modelDir = join(folder, modelName);
  const exported = JSON.parse(await readFile(join(modelDir, 'loupe.json'), 'utf8')) as { thresholds?: { effective?: Record<string, number> } };
  const exportedThresholds = exported.thresholds?.effective ?? {};
  const model =
    graph.useCase === 'anomaly'
      ? await loadAnomalyModel(options.modelPath, { threads: 1 }).then((loaded) => ({ analyze: (png: Buffer) => loaded.analyze(png), close: () => loaded.close() }))
      : await ctx.engine!.load(options.modelPath, { minUnits: 1, maxUnits: 1 });
  const { session } = await createSession(await readFile(join(modelDir, '1', 'model.onnx')), { threads: 1, name: `${modelName} (parity)` });
  const problems: string[] = [];
  try {
    for (const [i, image] of images.entries()) {
      job.throwIfCancelled();
      job.progress({ phase: 'parity', done: i, total: images.length, message: 'Checking the export against Loupe' });
      const expected = await model.analyze(image.png);
      const dims = [1, image.pixels.height, image.pixels.width, 3];
      const got = image.tiled
        ? mergedOutputs((await runTiles(session, image.tiled, tiledDetection(graph))).merged, image.tiled.size)
        : await session.run({ image: { data: new Uint8Array(image.pixels.data.buffer, image.pixels.data.byteOffset, image.pixels.data.byteLength), dims } });
      const name = `golden/${String(i).padStart(3, '0')} (${image.source})`;
      const found =
        'map' in expected
          ? compareAnomaly(expected, got, exportedThresholds)
          : graph.useCase === 'detection'
            ? compareBoxes(expected, got, graph, effective, exportedThresholds)
            : compareScores(expected, got, graph, effective, exportedThresholds);
      problems.push(...found.map((problem) => `${name}: ${problem}`));
    }
  } finally {
    await session.release();
    await model.close();
  }
  if (problems.length > 0) {
    throw codedError('InternalServerError', 'ExportRefused', { count: problems.length, details: problems.slice(0, 5).join('; ') });
  }
}

const verdict = (score: number, threshold: number | undefined) => threshold !== undefined && score >= threshold;

/** Anomaly scores are distances (or distances standardised per place), not shares: they and the map agree within 1e-4 of their scale. */
function compareAnomaly(expected: AnomalyAnalysis, got: Record<string, TensorOutput>, exported: Record<string, number>): string[] {
  const problems: string[] = [];
  const score = (got.anomaly_score!.data as Float32Array)[0]!;
  if (!(Math.abs(score - expected.score) <= PARITY.score * Math.max(1, Math.abs(expected.score)))) problems.push(`anomaly score ${score} instead of ${expected.score}`);
  const flagged = (got.is_anomalous!.data as Uint8Array)[0] === 1;
  if (flagged !== expected.isAnomalous) problems.push(`is_anomalous ${flagged} instead of ${expected.isAnomalous}`);
  if (verdict(score, exported.anomaly) !== expected.isAnomalous) problems.push(`the verdict differs at the thresholds (${exported.anomaly} exported, ${expected.threshold} in Loupe)`);
  const map = Object.entries(got).find(([name]) => name !== 'anomaly_score' && name !== 'is_anomalous')![1].data as Float32Array;
  const scale = Math.max(1, ...Array.from(expected.map, Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.map.length; i++) worst = Math.max(worst, Math.abs(map[i]! - expected.map[i]!));
  if (map.length !== expected.map.length || !(worst <= MAP_TOLERANCE * scale)) problems.push(`the anomaly map differs by ${worst}`);
  return problems;
}

function compareScores(expected: Analysis, got: Record<string, TensorOutput>, graph: ServingGraph, loupe: Record<string, number>, exported: Record<string, number>): string[] {
  const problems: string[] = [];
  const scores = got.scores!.data as Float32Array;
  const expectedScores = graph.labels.map((label) => expected.scores?.[label] ?? Number.NaN);
  const top = (values: ArrayLike<number>) => Array.from(values).reduce((best, value, j, all) => (value > all[best]! ? j : best), 0);
  if (top(scores) !== top(expectedScores)) problems.push(`top-1 ${graph.labels[top(scores)]} instead of ${graph.labels[top(expectedScores)]}`);
  graph.labels.forEach((label, j) => {
    const diff = Math.abs(scores[j]! - expectedScores[j]!);
    if (!(diff <= PARITY.score)) problems.push(`${label} scored ${scores[j]} instead of ${expectedScores[j]}`);
    if (verdict(scores[j]!, exported[label]) !== verdict(expectedScores[j]!, loupe[label])) problems.push(`${label} verdict differs at the thresholds (${exported[label]} exported, ${loupe[label]} in Loupe)`);
  });
  return problems;
}

function compareBoxes(expected: Analysis, got: Record<string, TensorOutput>, graph: ServingGraph, loupe: Record<string, number>, exported: Record<string, number>): string[] {
  const problems: string[] = [];
  const count = (got.count!.data as Int32Array)[0]!;
  const boxes = got.boxes!.data as Float32Array;
  const scores = got.scores!.data as Float32Array;
  const classes = got.classes!.data as Int32Array;
  const want = expected.boxes ?? [];
  if (count !== want.length) problems.push(`${count} boxes instead of ${want.length}`);
  want.slice(0, count).forEach((box, k) => {
    const label = graph.labels[classes[k]!];
    if (label !== box.label) problems.push(`box ${k} is ${label} instead of ${box.label}`);
    if (!(Math.abs(scores[k]! - box.confidence) <= PARITY.score)) problems.push(`box ${k} scored ${scores[k]} instead of ${box.confidence}`);
    const ratios = [box.left / expected.width, box.top / expected.height, box.width / expected.width, box.height / expected.height];
    if (!ratios.every((r, c) => Math.abs(boxes[k * 4 + c]! - r) <= PARITY.box)) problems.push(`box ${k} at [${Array.from(boxes.subarray(k * 4, k * 4 + 4)).map((v) => v.toFixed(4))}] instead of [${ratios.map((v) => v.toFixed(4))}]`);
  });
  for (const label of graph.labels) {
    const mine = Array.from({ length: count }, (_, k) => k).some((k) => graph.labels[classes[k]!] === label && verdict(scores[k]!, exported[label]));
    const theirs = want.some((box) => box.label === label && verdict(box.confidence, loupe[label]));
    if (mine !== theirs) problems.push(`${label} verdict differs at the thresholds (${exported[label]} exported, ${loupe[label]} in Loupe)`);
  }
  return problems;
}

