/**
 * What the classifier sees, on generated elongated parts whose only defect is a small dark
 * rectangle near one end: the view chosen by validation (tiles or whole image) finds it, a model
 * forced to the central crop cannot; the choice is recorded in the model file and returned by
 * DescribeEvaluation; and on a heavily imbalanced set the majority class keeps its recall.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import * as q from '../../../main/db/queries';
import { waitForJob } from '../../../main/jobs';
import { LEGACY_CROP, appendClassifier, candidateSides, candidateViews, cutTiles, inputSize, prepareInput, specAt, tileOffsets, viewAtSide } from '../../../main/engine/classifierView';
import type { ClassifierView } from '../../../main/engine/classifierView';
import { buildModel, decodeModel, encodeModel } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { withInputSize } from '../../../native/detect';
import { DEFAULT_BACKBONE_ID, NSFWJS_MOBILENET_V2_140, readBuiltBackbone, toModelBatch } from '../../../native/models';
import { createRandom, HeadModel } from '../../../native/train';
import { createOnnxEngine } from '../../../main/engine/onnxEngine';
import type { PixelView } from '../../../main/engine/classifierView';
import { readModelMetadata } from '../../../main/engine/modelFile';
import { MODELS_DIR } from '../../eval/train';
import { aLoupe, tempDir, type TestLoupe } from '../../support/loupe';
import { xorshift } from '../../support/random';

const WIDTH = 480;
const HEIGHT = 120;

/** A grey textured strip; `defect`: a dark 16 × 16 square within 30 px of the right end, at a random height. */
async function strip(path: string, defect: boolean, seed: number, darkness = 30, scale = 1): Promise<void> {
  const next = xorshift(seed * 7717 + (defect ? 3 : 5));
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  const top = Math.floor(20 + next() * (HEIGHT - 56));
  const left = WIDTH - 30 - Math.floor(next() * 10);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const inside = defect && x >= left && x < left + 16 && y >= top && y < top + 16;
      const value = inside ? darkness : 170 + Math.sin(x / 9) * 25 + (next() - 0.5) * 30;
      const i = (y * WIDTH + x) * 3;
      data[i] = data[i + 1] = data[i + 2] = Math.max(0, Math.min(255, Math.round(value)));
    }
  }
  mkdirSync(join(path, '..'), { recursive: true });
  const image = sharp(data, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } });
  await (scale === 1 ? image : image.resize(Math.round(WIDTH * scale), Math.round(HEIGHT * scale), { kernel: 'nearest' })).png().toFile(path);
}

async function stripFolder(root: string, good: number, defect: number, firstSeed: number, darkness?: number, scale?: number): Promise<void> {
  for (let i = 0; i < good; i++) await strip(join(root, 'good', `${firstSeed + i}.png`), false, firstSeed + i, undefined, scale);
  for (let i = 0; i < defect; i++) await strip(join(root, 'defect', `${firstSeed + i}.png`), true, firstSeed + i, darkness, scale);
}

interface Trained {
  loupe: TestLoupe;
  projectArn: string;
  arn: string;
  accuracy: number;
  recall: Record<string, number>;
}

/** Train on generated strips through the operations; score the test set from DescribeEvaluation. */
async function trainStrips(
  name: string,
  counts: { train: [number, number]; test: [number, number] },
  views?: PixelView[],
  darkness?: number,
  options: { sides?: number[]; scale?: number } = {},
): Promise<Trained> {
  const root = tempDir();
  await stripFolder(join(root, 'train'), counts.train[0], counts.train[1], 0, darkness, options.scale);
  await stripFolder(join(root, 'test'), counts.test[0], counts.test[1], 500, darkness, options.scale);
  const loupe = aLoupe({
    engine: createOnnxEngine({ modelsDir: MODELS_DIR, threads: 2, ...(views ? { classifierViews: views } : {}), ...(options.sides ? { classifierSides: options.sides } : {}) }),
  });
  const { ProjectArn } = await loupe.ok('CreateProject', { ProjectName: name });
  for (const [type, folder] of [['TRAIN', 'train'], ['TEST', 'test']] as const) {
    const { DatasetArn } = await loupe.ok('CreateDataset', { ProjectArn, DatasetType: type });
    await waitForJob(loupe.ctx, (await loupe.ok('ImportFolder', { DatasetArn, Folder: join(root, folder) })).JobId);
  }
  const { ProjectVersionArn } = await loupe.ok('CreateProjectVersion', { ProjectArn, VersionName: 'v1' });
  await waitForJob(loupe.ctx, (await loupe.ok('ListJobs', { ResourceArn: ProjectVersionArn })).Jobs[0]!.JobId);
  const [version] = (await loupe.ok('DescribeProjectVersions', { ProjectArn })).ProjectVersionDescriptions;
  assert.equal(version!.Status, 'TRAINING_COMPLETED', version!.StatusMessage);
  const evaluation = await loupe.ok('DescribeEvaluation', { ProjectVersionArn });
  const hits: Record<string, [number, number]> = {};
  let correct = 0;
  for (const image of evaluation.TestResults) {
    const truth = image.Labels.find((l) => l.Result === 'TRUE_POSITIVE' || l.Result === 'FALSE_NEGATIVE')!.Name;
    const top = image.Labels.reduce((a, b) => (b.Confidence > a.Confidence ? b : a)).Name;
    const [ok, all] = hits[truth] ?? [0, 0];
    hits[truth] = [ok + (top === truth ? 1 : 0), all + 1];
    if (top === truth) correct++;
  }
  const recall = Object.fromEntries(Object.entries(hits).map(([label, [ok, all]]) => [label, ok / all]));
  return { loupe, projectArn: ProjectArn, arn: ProjectVersionArn, accuracy: correct / evaluation.TestResults.length, recall };
}

describe('classifier views', () => {
  const opened: TestLoupe[] = [];
  after(() => opened.forEach((loupe) => loupe.dispose()));

  it('offers tiles along the long side and letterboxing for elongated images, not for square ones', () => {
    const input = NSFWJS_MOBILENET_V2_140.input;
    const wide = candidateViews(Array.from({ length: 5 }, () => ({ width: 480, height: 120 })), input);
    const tiles = wide.find((v) => v.tiles)?.tiles;
    assert.ok(tiles, 'a tile strip for 4:1 images');
    assert.equal(tiles.along, 'width');
    assert.ok(tiles.count >= 3 && tiles.length > 224 * 2);
    const offsets = tileOffsets(tiles, 224);
    assert.equal(offsets[0], 0);
    assert.equal(offsets.at(-1), tiles.length - 224, 'the last tile ends at the strip end');
    assert.ok(wide.some((v) => v.fit === 'letterbox'));
    const square = candidateViews(Array.from({ length: 5 }, () => ({ width: 300, height: 300 })), input);
    assert.deepEqual(square.map((v) => v.fit).sort(), ['crop', 'stretch']);
  });

  it('cuts the strip into squares that cover its ends', async () => {
    const path = join(tempDir(), 'defect.png');
    await strip(path, true, 1);
    const input = NSFWJS_MOBILENET_V2_140.input;
    const view: PixelView = { fit: 'stretch', tiles: { count: 4, length: 896, along: 'width' } };
    const image = await prepareInput(path, view, input);
    assert.deepEqual([image.width, image.height], [896, 224]);
    const tiles = cutTiles(image, view, input);
    assert.equal(tiles.length, 4);
    const darkest = (t: { data: Uint8Array }) => t.data.reduce((min, v) => Math.min(min, v), 255);
    assert.ok(darkest(tiles[3]!) < 60, 'the defect is in the last tile');
    assert.ok(darkest(tiles[0]!) > 60, 'and not in the first');
  });

  it('finds a defect at the end of elongated parts with the chosen view, misses it with the central crop, and records the choice', async () => {
    const counts = { train: [14, 14] as [number, number], test: [8, 8] as [number, number] };
    const chosen = await trainStrips('strips', counts);
    opened.push(chosen.loupe);
    const cropped = await trainStrips('strips-crop', counts, [{ fit: 'crop', crop: LEGACY_CROP }]);
    opened.push(cropped.loupe);
    assert.ok(chosen.accuracy >= 0.85, `chosen view: accuracy ${chosen.accuracy}`);
    assert.ok(cropped.accuracy <= 0.7, `central crop: accuracy ${cropped.accuracy}`);

    const evaluation = await chosen.loupe.ok('DescribeEvaluation', { ProjectVersionArn: chosen.arn });
    const choices = evaluation.Choices;
    assert.ok(choices, 'DescribeEvaluation returns the choices');
    assert.notEqual(choices.chosen.view, 'crop875', 'validation did not choose the crop');
    assert.ok(['string'].includes(typeof choices.chosen.features));
    const views = new Set(choices.candidates.map((c) => c.settings.view).filter((v) => v !== undefined));
    assert.ok(views.has('crop875') && views.has('stretch') && views.has('letterbox') && [...views].some((v) => String(v).startsWith('tiles-')), [...views].join(', '));
    for (const candidate of choices.candidates) assert.ok(candidate.score >= 0 && candidate.score <= 1 && candidate.metric === 'macro-recall');
    const crop = choices.candidates.find((c) => c.settings.view === 'crop875')!;
    const best = choices.candidates.find((c) => c.settings.view === choices.chosen.view)!;
    assert.ok(best.score > crop.score, `chosen ${best.score} vs crop ${crop.score}`);

    // The model file says the same, and runs the chosen view for DetectCustomLabels.
    const { ProjectVersionDescriptions } = await chosen.loupe.ok('DescribeProjectVersions', { ProjectArn: chosen.projectArn });
    assert.ok(!('Choices' in ProjectVersionDescriptions[0]!), 'DescribeProjectVersions keeps the service fields');
    const metadata = await readModelMetadata(q.findVersionByArn(chosen.loupe.ctx.db, chosen.arn)!.modelPath!);
    assert.deepEqual(metadata.choices, choices);
    assert.equal(metadata.useCase, 'IMAGE_LEVEL_LABELS');
    assert.equal(metadata.useCase === 'IMAGE_LEVEL_LABELS' && metadata.view?.tiles !== undefined, String(choices.chosen.view).startsWith('tiles-'));
    const defect = join(tempDir(), 'defect.png');
    await strip(defect, true, 999);
    await chosen.loupe.ok('StartProjectVersion', { ProjectVersionArn: chosen.arn, MinInferenceUnits: 1 });
    await waitUntilRunning(chosen.loupe, chosen.projectArn);
    const { CustomLabels } = await chosen.loupe.ok('DetectCustomLabels', { ProjectVersionArn: chosen.arn, Image: { Bytes: readFileSync(defect).toString('base64') }, MinConfidence: 0 } as never);
    const top = CustomLabels.reduce((a, b) => ((b.Confidence ?? 0) > (a.Confidence ?? 0) ? b : a));
    assert.equal(top.Name, 'defect', 'DetectCustomLabels runs the chosen view');
    await chosen.loupe.ok('StopProjectVersion', { ProjectVersionArn: chosen.arn });
  });

  it('keeps the recall of the majority class on an imbalanced set (40 good, 8 faint defects)', async () => {
    const trained = await trainStrips('imbalanced', { train: [40, 8], test: [20, 5] }, [{ fit: 'stretch' }], 120);
    opened.push(trained.loupe);
    const { Choices } = await trained.loupe.ok('DescribeEvaluation', { ProjectVersionArn: trained.arn });
    const weightings = Choices!.candidates.filter((c) => c.settings.weighting !== undefined).map((c) => c.settings.weighting);
    assert.deepEqual(weightings.sort(), ['balanced', 'none', 'sqrt'], 'three class weightings compared');
    assert.ok(['balanced', 'none', 'sqrt'].includes(String(Choices!.chosen.weighting)));
    assert.ok(trained.recall.good! >= 0.9, `good recall ${trained.recall.good}`);
    assert.ok(trained.recall.good! >= trained.recall.defect! - 0.2, `good ${trained.recall.good} vs defect ${trained.recall.defect}`);
  });

  it('offers larger input sides only where the images reach them, and scales a tile strip with its side', () => {
    const input = NSFWJS_MOBILENET_V2_140.input;
    assert.deepEqual(candidateSides(Array.from({ length: 5 }, () => ({ width: 480, height: 120 })), input), [], 'no side the images would be enlarged to');
    assert.deepEqual(candidateSides(Array.from({ length: 5 }, () => ({ width: 500, height: 375 })), input), [320]);
    assert.deepEqual(candidateSides(Array.from({ length: 5 }, () => ({ width: 1250, height: 500 })), input), [320, 448]);
    const strip: PixelView = { fit: 'stretch', tiles: { count: 3, length: 560, along: 'width' } };
    const larger = viewAtSide(strip, 320, 224);
    assert.deepEqual(larger, { fit: 'stretch', side: 320, tiles: { count: 3, length: 800, along: 'width' } });
    assert.deepEqual(inputSize(larger, input), { width: 800, height: 320 });
    assert.deepEqual(inputSize({ fit: 'letterbox', side: 448 }, input), { width: 448, height: 448 });
    assert.deepEqual(tileOffsets(larger.tiles!, 320), [0, 240, 480]);
  });

  it('runs the backbone at 320 px in the model file, and lets the most confident tile answer, as the head on each tile says', async () => {
    const backbone = (await readBuiltBackbone(MODELS_DIR, DEFAULT_BACKBONE_ID))!;
    const side = 320;
    const spec = specAt(backbone.spec, side);
    const base = withInputSize(decodeModel(readFileSync(backbone.modelPath)), spec.input.name, spec.input.layout, side, side);
    const output = spec.outputs[0]!;
    const random = createRandom(3);
    const W1 = Float32Array.from({ length: output.size * 2 }, () => (random.next() - 0.5) * 0.2);
    const head = new HeadModel({
      spec: { kind: 'softmax', hidden: 0, classes: 2, features: output.size },
      parameters: { W1, b1: new Float32Array(2) },
      standardisation: { mean: new Float32Array(output.size), std: new Float32Array(output.size).fill(1) },
    });
    const view: ClassifierView = { fit: 'stretch', side, tiles: { count: 3, length: 800, along: 'width', pooling: 'confident' }, features: [output.name], mirror: false };
    const model = encodeModel(buildModel(appendClassifier(base.graph, spec, view, head, 2)));
    const paths = [join(tempDir(), 'a.png'), join(tempDir(), 'b.png')];
    await strip(paths[0]!, true, 4, 30, 2);
    await strip(paths[1]!, false, 5, 30, 2);
    const strips = await Promise.all(paths.map((path) => prepareInput(path, view, spec.input)));
    assert.deepEqual([strips[0]!.width, strips[0]!.height], [800, 320]);
    const whole = await createSession(model, { threads: 2 });
    const stripSpec = { ...spec, input: { ...spec.input, ...inputSize(view, spec.input) } };
    const scores = (await whole.session.run({ [spec.input.name]: toModelBatch(strips, stripSpec) })).scores!.data as Float32Array;
    await whole.session.release();
    // Outside the graph: the backbone at 320 on each tile, the head on each tile's features, the most confident tile's scores.
    const plain = await createSession(encodeModel(base), { threads: 2 });
    const tiles = strips.flatMap((image) => cutTiles(image, view, spec.input));
    assert.equal(tiles.length, 6);
    assert.ok(tiles.every((t) => t.width === side && t.height === side));
    const features = (await plain.session.run({ [spec.input.name]: toModelBatch(tiles, spec) }))[output.name]!.data as Float32Array;
    await plain.session.release();
    const perTile = await head.predict(features);
    for (let image = 0; image < 2; image++) {
      let chosen = 0;
      const top = (t: number) => Math.max(perTile[(image * 3 + t) * 2]!, perTile[(image * 3 + t) * 2 + 1]!);
      for (let t = 1; t < 3; t++) if (top(t) > top(chosen)) chosen = t;
      for (let c = 0; c < 2; c++) assert.ok(Math.abs(scores[image * 2 + c]! - perTile[(image * 3 + chosen) * 2 + c]!) < 1e-4, `image ${image} class ${c}: ${scores[image * 2 + c]} vs ${perTile[(image * 3 + chosen) * 2 + c]}`);
    }
    const means = [0, 1].map((c) => (perTile[c]! + perTile[2 + c]! + perTile[4 + c]!) / 3);
    assert.ok(Math.abs(scores[0]! - means[0]!) > 1e-4 || Math.abs(scores[1]! - means[1]!) > 1e-4, 'not the mean of the tiles');
  });

  it('compares a larger input side by validation and records the side it chose on the version', async () => {
    const trained = await trainStrips('strips-320', { train: [12, 12], test: [4, 4] }, [{ fit: 'stretch' }], undefined, { sides: [320], scale: 3 });
    opened.push(trained.loupe);
    const { Choices } = await trained.loupe.ok('DescribeEvaluation', { ProjectVersionArn: trained.arn });
    const sides = Choices!.candidates.filter((c) => c.settings.view !== undefined && c.settings.features === 'all').map((c) => c.settings.inputSide ?? 224);
    assert.deepEqual(sides, [224, 320], 'the whole image at 224 and at 320');
    const metadata = await readModelMetadata(q.findVersionByArn(trained.loupe.ctx.db, trained.arn)!.modelPath!);
    assert.ok(metadata.useCase === 'IMAGE_LEVEL_LABELS');
    assert.equal(Choices!.chosen.inputSide, metadata.view?.side ?? 224);
    assert.equal(metadata.input.width, Choices!.chosen.inputSide, 'the model file takes the chosen side');
  });
});

async function waitUntilRunning(loupe: TestLoupe, projectArn: string): Promise<void> {
  for (;;) {
    const status = (await loupe.ok('DescribeProjectVersions', { ProjectArn: projectArn, VersionNames: ['v1'] })).ProjectVersionDescriptions[0]!.Status;
    if (status === 'RUNNING') return;
    assert.ok(status === 'STARTING', status);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
