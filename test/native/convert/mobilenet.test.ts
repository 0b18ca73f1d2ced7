/**
 * The default backbones as built at install, checked against TensorFlow.js running nsfwjs's own
 * models on the same input tensors (issue 5 §1: max abs difference ≤ 1e-4), plus their speed on
 * ONNX Runtime's CPU provider (printed, not asserted).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { buildDefaultBackbones, loadNsfwjsModel, type BuiltModel } from '../../../native/convert';
import { spatialFeatureModel, withInputSize } from '../../../native/detect';
import { DEFAULT_BACKBONES, toModelBatch, type ModelSpec, type RgbPixels } from '../../../native/models';
import { decodeModel, encodeModel } from '../../../native/onnx';
import { createSession, type TensorOutput } from '../../../native/ort';
import { decodeRgb } from '../../../native/preprocess';
import { difference, ioArtifacts, seeded, tf, tfReady } from './tfjsHelpers';

const folder = mkdtempSync(join(tmpdir(), 'loupe-backbones-'));
after(() => rmSync(folder, { recursive: true, force: true }));

let built: BuiltModel[] = [];
let images: RgbPixels[] = [];

/** A 224 × 224 colour gradient. */
function gradient(): RgbPixels {
  const data = new Uint8Array(224 * 224 * 3);
  for (let y = 0; y < 224; y++) {
    for (let x = 0; x < 224; x++) data.set([Math.round((x / 223) * 255), Math.round((y / 223) * 255), Math.round(((x + y) / 446) * 255)], (y * 224 + x) * 3);
  }
  return { data, width: 224, height: 224 };
}

/** A 320 × 240 drawing rendered and encoded by sharp, decoded as the app decodes (so it gets resized). */
async function drawing(): Promise<RgbPixels> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">
    <rect width="320" height="240" fill="#d8e4f0"/><circle cx="110" cy="120" r="70" fill="#c0392b"/>
    <rect x="180" y="40" width="100" height="150" fill="#27ae60" transform="rotate(12 230 115)"/>
    <path d="M0 230 Q160 150 320 230" stroke="#2c3e50" stroke-width="9" fill="none"/></svg>`;
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  return decodeRgb(png);
}

/** Uniform noise, seeded. */
function noise(): RgbPixels {
  const random = seeded(99);
  return { data: Uint8Array.from({ length: 224 * 224 * 3 }, () => Math.floor(random() * 256)), width: 224, height: 224 };
}

/** The source model's values at each feature output's layer, pooled as the spec says, from TF.js. */
async function referenceFeatures(spec: ModelSpec, input: tf.Tensor4D): Promise<Record<string, Float32Array>> {
  const maps = await referenceMaps(spec, input);
  return Object.fromEntries(spec.outputs.map((output, i) => [output.name, (maps[i] as tf.Tensor).mean([1, 2]).dataSync() as Float32Array]));
}

/** The source model's un-pooled maps (NHWC) at each feature output's layer, from TF.js. */
async function referenceMaps(spec: ModelSpec, input: tf.Tensor4D): Promise<tf.Tensor[]> {
  if (spec.source.kind !== 'npm') throw new Error('not an npm backbone');
  const artifacts = await loadNsfwjsModel(spec.source.model as 'mobilenet_v2' | 'mobilenet_v2_mid');
  let maps: tf.Tensor[];
  if (artifacts.format === 'layers-model') {
    const model = await tf.loadLayersModel(tf.io.fromMemory(ioArtifacts(artifacts)));
    const outputs = spec.outputs.map((output) => model.getLayer(output.sourceLayer as string).output as tf.SymbolicTensor);
    maps = [tf.model({ inputs: model.inputs, outputs }).predict(input)].flat() as tf.Tensor[];
  } else {
    const model = await tf.loadGraphModel(tf.io.fromMemory(ioArtifacts(artifacts)));
    const nodes = (artifacts.modelTopology.node as { name: string }[]).map((node) => node.name);
    const full = spec.outputs.map((output) => nodes.find((name) => name.endsWith(`/${output.sourceLayer}`)) as string);
    maps = [model.execute(input, full)].flat();
  }
  return maps;
}

before(async () => {
  await tfReady();
  built = await buildDefaultBackbones(folder);
  images = [gradient(), await drawing(), noise()];
});

describe('the default backbones', () => {
  for (const spec of DEFAULT_BACKBONES) {
    it(`${spec.id} gives TF.js's features within 1e-4 on a gradient, a drawing and noise`, async () => {
      const path = built.find((model) => model.id === spec.id)?.path as string;
      const batch = toModelBatch(images, spec);
      const { session, provider } = await createSession(path, { providers: ['cpu'], threads: 2, name: spec.id });
      let features: Record<string, TensorOutput>;
      try {
        assert.equal(provider, 'cpu');
        features = await session.run({ [spec.input.name]: batch });
      } finally {
        await session.release();
      }
      const reference = await referenceFeatures(spec, tf.tensor4d(batch.data, batch.dims as [number, number, number, number]));
      for (const output of spec.outputs) {
        const got: TensorOutput | undefined = features[output.name];
        assert.deepEqual(got?.dims, [images.length, output.size]);
        const { maxAbs, scale } = difference(got?.data as Float32Array, reference[output.name] as Float32Array);
        console.log(`${spec.id} ${output.name} [${output.size}]: max |ONNX − TF.js| = ${maxAbs.toExponential(2)}, largest value ${scale.toFixed(3)}, relative ${(maxAbs / scale).toExponential(2)}`);
        assert.ok(maxAbs <= 1e-4, `${output.name}: max abs difference ${maxAbs}`);
      }
    });
  }

  for (const spec of DEFAULT_BACKBONES) {
    const middle = spec.outputs.find((output) => output.role === 'middle');
    if (!middle) continue;
    it(`${spec.id} gives TF.js's un-pooled ${middle.name} map (the detector's features) within 1e-4 at every location`, async () => {
      const path = built.find((model) => model.id === spec.id)?.path as string;
      const features = spatialFeatureModel(decodeModel(readFileSync(path)), [middle.name], 'feature_map');
      assert.ok(features, `no spatial map behind ${middle.name}`);
      const batch = toModelBatch(images, spec);
      const { session } = await createSession(encodeModel(features.model), { providers: ['cpu'], threads: 2, name: `${spec.id}-map` });
      let got: TensorOutput;
      try {
        got = (await session.run({ [spec.input.name]: batch })).feature_map as TensorOutput;
      } finally {
        await session.release();
      }
      const index = spec.outputs.indexOf(middle);
      const reference = (await referenceMaps(spec, tf.tensor4d(batch.data, batch.dims as [number, number, number, number])))[index] as tf.Tensor;
      assert.deepEqual(got.dims, [images.length, middle.size, 14, 14]);
      const nhwc = tf.transpose(tf.tensor4d(got.data as Float32Array, got.dims as [number, number, number, number]), [0, 2, 3, 1]).dataSync() as Float32Array;
      const { maxAbs, scale } = difference(nhwc, reference.dataSync() as Float32Array);
      console.log(`${spec.id} ${middle.name} map [${middle.size}, 14, 14]: max |ONNX − TF.js| = ${maxAbs.toExponential(2)}, largest value ${scale.toFixed(3)}`);
      assert.ok(maxAbs <= 1e-4, `${middle.name} map: max abs difference ${maxAbs}`);
    });
  }

  it("give TF.js's un-pooled map at a 320 × 320 input too, with only the declared input size changed", async () => {
    const spec = DEFAULT_BACKBONES.find((candidate) => candidate.source.kind === 'npm' && candidate.source.format === 'graph-model');
    const middle = spec?.outputs.find((output) => output.role === 'middle');
    assert.ok(spec && middle && spec.source.kind === 'npm');
    const path = built.find((model) => model.id === spec.id)?.path as string;
    const features = spatialFeatureModel(withInputSize(decodeModel(readFileSync(path)), spec.input.name, spec.input.layout, 320, 320), [middle.name], 'feature_map');
    assert.ok(features);
    const batch = toModelBatch(images, { ...spec, input: { ...spec.input, width: 320, height: 320 } });
    const { session } = await createSession(encodeModel(features.model), { providers: ['cpu'], threads: 2, name: `${spec.id}-320` });
    let got: TensorOutput;
    try {
      got = (await session.run({ [spec.input.name]: batch })).feature_map as TensorOutput;
    } finally {
      await session.release();
    }
    assert.deepEqual(got.dims, [images.length, middle.size, 20, 20]);
    // TF.js checks the input against the placeholder's declared shape: declare 320 there too.
    const artifacts = await loadNsfwjsModel(spec.source.model as 'mobilenet_v2_mid');
    for (const node of artifacts.modelTopology.node as { op: string; attr?: { shape?: { shape?: { dim?: { size: string }[] } } } }[]) {
      const dims = node.op === 'Placeholder' ? node.attr?.shape?.shape?.dim : undefined;
      if (dims && dims.length === 4) {
        dims[1]!.size = '320';
        dims[2]!.size = '320';
      }
    }
    const model = await tf.loadGraphModel(tf.io.fromMemory(ioArtifacts(artifacts)));
    const name = (artifacts.modelTopology.node as { name: string }[]).map((node) => node.name).find((node) => node.endsWith(`/${middle.sourceLayer}`)) as string;
    const reference = model.execute(tf.tensor4d(batch.data, batch.dims as [number, number, number, number]), name) as tf.Tensor;
    const nhwc = tf.transpose(tf.tensor4d(got.data as Float32Array, got.dims as [number, number, number, number]), [0, 2, 3, 1]).dataSync() as Float32Array;
    const { maxAbs } = difference(nhwc, reference.dataSync() as Float32Array);
    console.log(`${spec.id} ${middle.name} map at 320 × 320 [${middle.size}, 20, 20]: max |ONNX − TF.js| = ${maxAbs.toExponential(2)}`);
    assert.ok(maxAbs <= 1e-4, `max abs difference ${maxAbs}`);
  });

  it('run at a measured speed on the CPU provider with 2 threads (printed)', async () => {
    for (const spec of DEFAULT_BACKBONES) {
      const path = built.find((model) => model.id === spec.id)?.path as string;
      const { session } = await createSession(path, { providers: ['cpu'], threads: 2, name: spec.id });
      try {
        for (const [size, runs] of [
          [1, 12],
          [16, 3],
        ] as const) {
          const batch = toModelBatch(Array.from({ length: size }, (_, i) => images[i % images.length] as RgbPixels), spec);
          await session.run({ [spec.input.name]: batch });
          const started = performance.now();
          for (let run = 0; run < runs; run++) await session.run({ [spec.input.name]: batch });
          const seconds = (performance.now() - started) / 1000;
          console.log(`${spec.id} batch ${size}: ${((size * runs) / seconds).toFixed(1)} images/s (${((seconds / runs) * 1000).toFixed(0)} ms per run)`);
        }
      } finally {
        await session.release();
      }
    }
  });
});
