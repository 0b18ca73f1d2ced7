/**
 * The serving graph (main/engine/servingGraph.ts) computes what Loupe's own pipeline computes: the
 * engine's `analyze` (the path DetectCustomLabels runs: decode, view, resize, normalise, model,
 * decode boxes) and the serving graph on the same decoded pixels agree, for each classifier view and
 * for a detector, at the size the app reads unresampled and at other sizes for the resize itself.
 * Models are small random graphs written as Loupe model files, so every pixel matters.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { createOnnxEngine } from '../../../main/engine/onnxEngine';
import { buildServingGraph, servingModelName, type ServingGraph } from '../../../main/engine/servingGraph';
import { writeModelFile, type ClassifierMetadata, type DetectorMetadata } from '../../../main/engine/modelFile';
import type { LoadedModel } from '../../../main/engine/engine';
import type { ModelSpec } from '../../../native/models';
import { buildModel, GraphBuilder, type OnnxModel } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { tempDir } from '../../support/loupe';
import { xorshift } from '../../support/random';

const engine = createOnnxEngine({ modelsDir: join(import.meta.dirname, '../../../dist/models'), threads: 1 });
const loaded: LoadedModel[] = [];
after(async () => {
  for (const model of loaded) await model.close();
});

function weights(seed: number, count: number, scale: number): Float32Array {
  const random = xorshift(seed);
  return Float32Array.from({ length: count }, () => (random() * 2 - 1) * scale);
}

/** A classifier on [batch, side, side, 3] (NHWC) or [batch, 3, side, side]: every pixel → Gemm → softmax or sigmoid. */
function toyClassifier(input: ModelSpec['input'], classes: number, multiLabel: boolean): OnnxModel {
  const g = new GraphBuilder('toy');
  const nhwc = input.layout === 'NHWC';
  const image = g.input(input.name, 'float32', nhwc ? ['batch', input.height, input.width, 3] : ['batch', 3, input.height, input.width]);
  const size = input.width * input.height * 3;
  const flat = g.op('Reshape', [image, g.int64('flat', [0, size])]);
  const logits = g.op('Gemm', [flat, g.initializer('w', weights(7, size * classes, 0.05), [size, classes]), g.initializer('b', weights(8, classes, 0.5), [classes])]);
  g.output(multiLabel ? g.op('Sigmoid', [logits]) : g.op('Softmax', [logits], { axis: -1 }), 'float32', ['batch', classes], 'scores');
  return buildModel(g);
}

/** A detector on [batch, 16, 16, 3]: a 4 × 4 stride-4 Conv → [batch, C + 4, 4, 4], heat and offsets through Sigmoid, sizes Softplus. */
function toyDetector(input: ModelSpec['input'], classes: number): OnnxModel {
  const g = new GraphBuilder('toy-detector');
  const image = g.input(input.name, 'float32', ['batch', input.height, input.width, 3]);
  const nchw = g.op('Transpose', [image], { perm: [0, 3, 1, 2] });
  const out = classes + 4;
  const conv = g.op('Conv', [nchw, g.initializer('k', weights(11, out * 3 * 16, 0.6), [out, 3, 4, 4]), g.initializer('kb', weights(12, out, 0.5), [out])], { kernel_shape: [4, 4], strides: [4, 4] });
  const axis = g.int64('axis', [1]);
  const heat = g.op('Sigmoid', [g.op('Slice', [conv, g.int64('s0', [0]), g.int64('e0', [classes + 2]), axis])]);
  const sizes = g.op('Mul', [g.op('Softplus', [g.op('Slice', [conv, g.int64('s1', [classes + 2]), g.int64('e1', [out]), axis])]), g.float('three', 3)]);
  g.output(g.op('Concat', [heat, sizes], { axis: 1 }), 'float32', ['batch', out, 4, 4], 'detections');
  return buildModel(g);
}

const nhwcInput: ModelSpec['input'] = { name: 'pixels', width: 12, height: 12, layout: 'NHWC', colourOrder: 'RGB', resize: 'stretch', scale: 1 / 127.5, mean: [1, 1, 1], std: [1, 1, 1] };
const nchwInput: ModelSpec['input'] = { name: 'input', width: 12, height: 12, layout: 'NCHW', colourOrder: 'BGR', resize: 'stretch', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

async function noisePng(width: number, height: number, seed: number): Promise<{ png: Buffer; pixels: Uint8Array }> {
  const random = xorshift(seed);
  // Smooth-ish noise: a few gradients plus noise, so resampling differences show.
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.floor(((x * (c + 1) * 37 + y * 53) % 256) * 0.5 + random() * 127);
  const png = await sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
  return { png, pixels: new Uint8Array(data) };
}

async function runServing(graph: ServingGraph, pixels: Uint8Array, width: number, height: number) {
  const { session } = await createSession(graph.onnx, { threads: 1, name: 'serving' });
  try {
    return await session.run({ image: { data: pixels, dims: [1, height, width, 3] } });
  } finally {
    await session.release();
  }
}

async function classifierDir(input: ModelSpec['input'], view: ClassifierMetadata['view'], multiLabel = false): Promise<string> {
  const dir = tempDir();
  const labels = ['a', 'b', 'c'];
  const metadata: ClassifierMetadata = { format: 1, useCase: 'IMAGE_LEVEL_LABELS', multiLabel, labels, thresholds: {}, backbone: 'toy', input, output: 'scores', ...(view ? { view } : {}) };
  const written = await writeModelFile(dir, toyClassifier(input, labels.length, multiLabel), metadata);
  await written.finalize({ a: 0.3, b: 0.4, c: 0.5 });
  return dir;
}

async function analyze(dir: string, png: Buffer) {
  const model = await engine.load(join(dir, 'model.onnx'), { minUnits: 1, maxUnits: 1 });
  loaded.push(model);
  return model.analyze(png);
}

describe('a classifier as a serving graph', () => {
  const views: [string, ModelSpec['input'], ClassifierMetadata['view']][] = [
    ['stretched (NHWC)', nhwcInput, { fit: 'stretch', features: [], mirror: false }],
    ['central crop (NCHW, BGR)', nchwInput, { fit: 'crop', crop: 0.875, features: [], mirror: false }],
    ['letterboxed', nhwcInput, { fit: 'letterbox', features: [], mirror: false }],
    ['legacy (no view recorded: crop 87.5 %)', nhwcInput, undefined],
  ];
  for (const [name, input, view] of views) {
    it(`${name}: scores equal the engine's within 1e-5 at the size the app reads unresampled`, async () => {
      const dir = await classifierDir(input, view);
      const graph = await buildServingGraph(dir);
      assert.deepEqual(graph.inputs, [{ name: 'image', datatype: 'UINT8', shape: [-1, -1, -1, 3] }]);
      assert.deepEqual(graph.outputs, [{ name: 'scores', datatype: 'FP32', shape: [-1, 3] }]);
      assert.equal(graph.useCase, 'classification');
      const { width, height } = graph.nativeSize;
      for (const seed of [1, 2]) {
        const { png, pixels } = await noisePng(width, height, seed);
        const expected = (await analyze(dir, png)).scores!;
        const got = (await runServing(graph, pixels, width, height)).scores!.data as Float32Array;
        for (const [j, label] of ['a', 'b', 'c'].entries()) assert.ok(Math.abs(got[j]! - expected[label]!) < 1e-5, `${label}: ${got[j]} vs ${expected[label]}`);
      }
    });
  }

  it("resizes other sizes with Loupe's triangle filter: the graph on a 30 × 17 image equals toModelBatch's resize of it", async () => {
    const dir = await classifierDir(nhwcInput, { fit: 'stretch', features: [], mirror: false }, true);
    const graph = await buildServingGraph(dir);
    assert.equal(graph.useCase, 'multi-label');
    const { pixels } = await noisePng(30, 17, 3);
    const { toModelBatch } = await import('../../../native/models');
    const { session } = await createSession(join(dir, 'model.onnx'), { threads: 1 });
    const expected = (await session.run({ pixels: toModelBatch([{ data: pixels, width: 30, height: 17 }], { input: nhwcInput } as ModelSpec) })).scores!.data as Float32Array;
    await session.release();
    const got = (await runServing(graph, pixels, 30, 17)).scores!.data as Float32Array;
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(got[j]! - expected[j]!) < 1e-5, `${got[j]} vs ${expected[j]}`);
  });

  it('names a model for Triton with only [A-Za-z0-9_.-]', () => {
    assert.equal(servingModelName('my project', 'v1/ü'), 'my_project-v1__');
    assert.equal(servingModelName('parts.2024', 'v_1-a'), 'parts.2024-v_1-a');
  });
});

describe('a detector as a serving graph', () => {
  it('decodes, keeps peaks and runs per-class NMS in the graph: boxes within 1e-5 of the image and scores within 1e-6 of the engine', async () => {
    const dir = tempDir();
    const input: ModelSpec['input'] = { ...nhwcInput, width: 16, height: 16 };
    const labels = ['red', 'blue'];
    const metadata: DetectorMetadata = {
      format: 1,
      useCase: 'OBJECT_LOCALIZATION',
      multiLabel: false,
      labels,
      thresholds: {},
      backbone: 'toy',
      input,
      output: 'detections',
      detection: { mapWidth: 4, mapHeight: 4, featureStride: 4, featureLayer: 'x', layout: 'heat-offset-size', minScore: 0.1, topK: 12, nmsIou: 0.3, resize: 'stretch' },
    };
    await (await writeModelFile(dir, toyDetector(input, labels.length), metadata)).finalize({ red: 0.5, blue: 0.5 });
    const graph = await buildServingGraph(dir);
    assert.equal(graph.useCase, 'detection');
    assert.deepEqual(graph.outputs.map((o) => `${o.name} ${o.datatype} ${o.shape.join(',')}`), ['boxes FP32 -1,12,4', 'scores FP32 -1,12', 'classes INT32 -1,12', 'count INT32 -1,1']);
    let compared = 0;
    for (const [width, height, seed] of [[16, 16, 1], [16, 16, 2], [24, 14, 3], [13, 9, 4], [16, 16, 5]] as const) {
      const { png, pixels } = await noisePng(width, height, seed);
      const expected = (await analyze(dir, png)).boxes!;
      const out = await runServing(graph, pixels, width, height);
      const count = (out.count!.data as Int32Array)[0]!;
      assert.equal(count, expected.length, `${width}×${height}: ${count} boxes vs the engine's ${expected.length}`);
      const boxes = out.boxes!.data as Float32Array;
      const scores = out.scores!.data as Float32Array;
      const classes = out.classes!.data as Int32Array;
      expected.forEach((box, k) => {
        assert.equal(labels[classes[k]!], box.label);
        assert.ok(Math.abs(scores[k]! - box.confidence) < 1e-6, `score ${scores[k]} vs ${box.confidence}`);
        const ratios = [box.left / width, box.top / height, box.width / width, box.height / height];
        ratios.forEach((r, i) => assert.ok(Math.abs(boxes[k * 4 + i]! - r) < 1e-5, `box ${k}[${i}] ${boxes[k * 4 + i]} vs ${r}`));
        compared++;
      });
      for (let k = count; k < 12; k++) assert.equal(classes[k], -1);
    }
    assert.ok(compared >= 4, `only ${compared} boxes compared`);

    // A batch is one call: two images together give what each gives alone.
    const [one, two] = await Promise.all([noisePng(16, 16, 6), noisePng(16, 16, 7)]);
    const batch = new Uint8Array(one.pixels.length * 2);
    batch.set(one.pixels, 0);
    batch.set(two.pixels, one.pixels.length);
    const { session } = await createSession(graph.onnx, { threads: 1 });
    try {
      const together = await session.run({ image: { data: batch, dims: [2, 16, 16, 3] } });
      assert.deepEqual(together.boxes!.dims, [2, 12, 4]);
      for (const [i, alone] of [await runServing(graph, one.pixels, 16, 16), await runServing(graph, two.pixels, 16, 16)].entries()) {
        for (const name of ['boxes', 'scores', 'classes', 'count']) {
          const size = alone[name]!.data.length;
          assert.deepEqual(Array.from(together[name]!.data.slice(i * size, (i + 1) * size) as Float32Array), Array.from(alone[name]!.data as Float32Array), name);
        }
      }
    } finally {
      await session.release();
    }
  });
});
