/**
 * Fine-tuning the backbone's last blocks: the tail found in a MobileNetV2-shaped graph, its forward
 * pass on location rows against the backbone itself, and each hand-derived backward pass (1 × 1
 * convolution, 3 × 3 depthwise convolution, ReLU6, residual add, and the whole inverted-residual block
 * with the head on top) against TF.js autograd: one step from zero Adam moments at t = 1 gives back
 * the gradient (m' = (1 − β1)·g).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { buildTunedStepGraph, DETECT_STEP_NAMES as n, encodeTargets, findTail, finerFeatureValue, regressionMedians, withTunedBranch, spatialFeatureModel, tailFeatureModel, tailParameters, toLocationRows, trainTunedDetector, withTailWeights, type BackboneTail, type TailLayer } from '../../../native/detect';
import { ADAM } from '../../../native/train';
import { buildModel, decodeModel, encodeModel, GraphBuilder, type OnnxModel } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { assertRelativelyClose, normal, uniform } from '../train/helpers';
import { tfDetectionLoss } from './helpers';

before(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
});

const MAP = { width: 5, height: 4 };
const CELLS = MAP.width * MAP.height;

/** The training target of one object filling cell `centre` of the map. */
function oneObjectAt(centre: number) {
  const heatmap = new Float32Array(CELLS);
  const mask = new Float32Array(CELLS);
  heatmap[centre] = 1;
  mask[centre] = 1;
  const regression = new Float32Array(CELLS * 4);
  regression.set([0.5, 0.5, 1, 1], centre * 4);
  return { heatmap, regression, mask, objects: 1 };
}

/**
 * A small MobileNetV2-shaped graph on an NCHW input [B, 4, 4, 5]: a 1 × 1 Conv (the previous block's
 * project), two inverted-residual blocks (expand 3 → 8, ReLU6, depthwise 3 × 3, ReLU6, project 8 → 3,
 * add), then an expand 3 → 10 with ReLU6 — the feature map `features`.
 */
function aBackbone(seed: number): OnnxModel {
  const gauss = normal(uniform(seed));
  const g = new GraphBuilder('backbone');
  const image = g.input('image', 'float32', ['batch', 4, MAP.height, MAP.width]);
  const zero = g.float('const_0', 0);
  const six = g.float('const_6', 6);
  const weights = (name: string, dims: number[], scale: number) => g.initializer(name, Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => gauss() * scale), dims);
  const pointwise = (x: ReturnType<typeof g.input>, name: string, ci: number, co: number) =>
    g.op('Conv', [x, weights(`${name}/weights`, [co, ci, 1, 1], 0.8), weights(`${name}/bias`, [co], 0.5)], { kernel_shape: [1, 1], strides: [1, 1], dilations: [1, 1], group: 1, pads: [0, 0, 0, 0] }, { outputs: [name] });
  const depthwise = (x: ReturnType<typeof g.input>, name: string, c: number) =>
    g.op('Conv', [x, weights(`${name}/weights`, [c, 1, 3, 3], 0.5), weights(`${name}/bias`, [c], 0.5)], { kernel_shape: [3, 3], strides: [1, 1], dilations: [1, 1], group: c, pads: [1, 1, 1, 1] }, { outputs: [name] });
  const relu6 = (x: ReturnType<typeof g.input>) => g.op('Clip', [x, zero, six], {}, { outputs: [`${x.name}/relu6`] });
  const projected = pointwise(image, 'b10/project', 4, 3);
  let x = projected;
  for (const block of ['b11', 'b12']) {
    const expanded = relu6(pointwise(x, `${block}/expand`, 3, 8));
    const filtered = relu6(depthwise(expanded, `${block}/depthwise`, 8));
    x = g.op('Add', [x, pointwise(filtered, `${block}/project`, 8, 3)], {}, { outputs: [`${block}/add`] });
  }
  const features = relu6(pointwise(x, 'b13/expand', 3, 10));
  g.output(g.op('Identity', [features], {}, { outputs: ['features'] }), 'float32', ['batch', 10, MAP.height, MAP.width]);
  return buildModel(g);
}

describe('finding the tail in a MobileNetV2-shaped graph', () => {
  const model = aBackbone(3);
  it('cuts at the last residual junction for one block, and one block further back for each more', () => {
    const one = findTail(model, 'b13/expand/relu6', 1);
    assert.equal(one.cut, 'b12/add');
    assert.deepEqual(one.layers.map((layer) => layer.kind), ['pointwise', 'relu6']);
    assert.equal(one.cutChannels, 3);
    assert.equal(one.channels, 10);
    const two = findTail(model, 'b13/expand/relu6', 2);
    assert.equal(two.cut, 'b11/add');
    assert.deepEqual(two.layers.map((layer) => layer.kind), ['pointwise', 'relu6', 'depthwise', 'relu6', 'pointwise', 'add', 'pointwise', 'relu6']);
    const three = findTail(model, 'b13/expand/relu6', 3);
    assert.equal(three.cut, 'b10/project');
    assert.equal(three.layers.length, 14);
    assert.equal(findTail(model, 'b13/expand/relu6', 0).layers.length, 0);
    assert.equal(findTail(model, 'b13/expand/relu6', 0).cutChannels, 10);
    assert.throws(() => findTail(model, 'b13/expand/relu6', 4), /fewer than 4 residual blocks/);
  });

  it('refuses a tail with an op it cannot differentiate', () => {
    const g = new GraphBuilder('odd', model.graph);
    const odd = g.op('Sigmoid', [g.value('b12/add')]);
    const expanded = g.op('Conv', [odd, g.value('b13/expand/weights'), g.value('b13/expand/bias')], { kernel_shape: [1, 1] });
    const features = g.op('Clip', [expanded, g.value('const_0'), g.value('const_6')]);
    assert.throws(() => findTail(buildModel(g), features.name, 1), /Sigmoid/);
  });

  for (const blocks of [1, 2, 3]) {
    it(`runs ${blocks} block(s) on location rows as the backbone does, before and after new weights are written in`, async () => {
      const tail = findTail(model, 'b13/expand/relu6', blocks);
      const batch = 2;
      const gauss = normal(uniform(11));
      const image = Float32Array.from({ length: batch * 4 * CELLS }, () => gauss());
      const probe = new GraphBuilder('probe', { ...model.graph, outputs: [] });
      probe.output(probe.value(tail.cut), 'float32', undefined, 'cut');
      probe.output(probe.value(tail.output), 'float32', undefined, 'map');
      const probed = buildModel(probe);
      const run = async (bytes: Uint8Array, inputs: Parameters<Awaited<ReturnType<typeof createSession>>['session']['run']>[0]) => {
        const { session } = await createSession(bytes, { providers: ['cpu'], name: 'probe' });
        try {
          return await session.run(inputs);
        } finally {
          await session.release();
        }
      };
      const rowsOf = (data: Float32Array, channels: number) => {
        const rows = new Float32Array(data.length);
        for (let b = 0; b < batch; b++) rows.set(toLocationRows(data.subarray(b * channels * CELLS, (b + 1) * channels * CELLS), channels, CELLS), b * channels * CELLS);
        return rows;
      };
      const check = async (backbone: OnnxModel, weights?: ReadonlyMap<string, Float32Array>) => {
        const probeModel = { ...probed, graph: { ...probed.graph, initializers: backbone.graph.initializers } };
        const out = await run(encodeModel(probeModel), { image: { data: image, dims: [batch, 4, MAP.height, MAP.width] } });
        const cut = rowsOf(out.cut!.data as Float32Array, tail.cutChannels);
        const expected = rowsOf(out.map!.data as Float32Array, tail.channels);
        const features = (await run(tailFeatureModel(tail, MAP, weights), { x: { data: cut, dims: [batch * CELLS, tail.cutChannels] } })).features!.data as Float32Array;
        let worst = 0;
        for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(features[i]! - expected[i]!));
        assert.ok(worst < 1e-5, `max |Δ| ${worst}`);
        assert.ok(expected.some((value) => value > 0 && value < 6), 'some features are inside (0, 6)');
      };
      await check(model);
      const changed = new Map([...tail.initial].map(([name, values]) => [name, Float32Array.from(values, (value, i) => value * (1 + 0.1 * Math.sin(i)))]));
      await check(withTailWeights(model, changed), changed);
    });
  }

  it('runs a copy of the tail with new weights beside the backbone, which keeps its own', async () => {
    const tail = findTail(model, 'b13/expand/relu6', 2);
    const changed = new Map([...tail.initial].map(([name, values]) => [name, Float32Array.from(values, (value, i) => value * (1 + 0.2 * Math.cos(i)))]));
    const branch = withTunedBranch(model, tail, changed, '/tuned');
    assert.notEqual(branch.output, tail.output);
    const gauss = normal(uniform(12));
    const image = Float32Array.from({ length: 2 * 4 * CELLS }, () => gauss());
    const outputs = async (backbone: OnnxModel, names: Record<string, string>) => {
      const probe = new GraphBuilder('probe', { ...backbone.graph, outputs: [] });
      for (const [as, value] of Object.entries(names)) probe.output(probe.value(value), 'float32', undefined, as);
      const { session } = await createSession(encodeModel(buildModel(probe)), { providers: ['cpu'], name: 'branch' });
      try {
        return await session.run({ image: { data: image, dims: [2, 4, MAP.height, MAP.width] } });
      } finally {
        await session.release();
      }
    };
    const both = await outputs(branch.model, { own: tail.output, tuned: branch.output });
    const original = await outputs(model, { own: tail.output });
    const rewritten = await outputs(withTailWeights(model, changed), { own: tail.output });
    const worst = (a: Float32Array, b: Float32Array) => a.reduce((most, value, i) => Math.max(most, Math.abs(value - b[i]!)), 0);
    assert.ok(worst(both.own!.data as Float32Array, original.own!.data as Float32Array) < 1e-6, 'the backbone keeps its weights');
    assert.ok(worst(both.tuned!.data as Float32Array, rewritten.own!.data as Float32Array) < 1e-5, 'the copy runs the new weights');
    assert.ok(worst(rewritten.own!.data as Float32Array, original.own!.data as Float32Array) > 1e-3, 'the new weights change the map');
  });
});

/** A tail given as data: layers over named values, with random weights of `scale`. */
function aTail(layers: TailLayer[], cutChannels: number, channels: number, seed: number, scale = 0.6): BackboneTail {
  const gauss = normal(uniform(seed));
  const initial = new Map<string, Float32Array>();
  for (const layer of layers) {
    if (layer.kind === 'pointwise') {
      initial.set(layer.weight, Float32Array.from({ length: layer.outChannels * layer.inChannels }, () => gauss() * scale));
      initial.set(layer.bias, Float32Array.from({ length: layer.outChannels }, () => gauss() * scale));
    } else if (layer.kind === 'depthwise') {
      initial.set(layer.weight, Float32Array.from({ length: layer.channels * 9 }, () => gauss() * scale));
      initial.set(layer.bias, Float32Array.from({ length: layer.channels }, () => gauss() * scale));
    }
  }
  return { cut: 'cut', cutChannels, output: layers.at(-1)!.output, channels, layers, initial };
}

const pointwise = (input: string, output: string, inChannels: number, outChannels: number): TailLayer => ({ kind: 'pointwise', input, output, weight: `${output}/w`, bias: `${output}/b`, inChannels, outChannels });
const depthwise = (input: string, output: string, channels: number): TailLayer => ({ kind: 'depthwise', input, output, weight: `${output}/w`, bias: `${output}/b`, channels });
const relu6 = (input: string, output: string): TailLayer => ({ kind: 'relu6', input, output });
const add = (a: string, b: string, output: string): TailLayer => ({ kind: 'add', inputs: [a, b], output });

/** The tail, the head and the loss written with TF.js ops, on the same rows layout. */
function tfObjective(tail: BackboneTail, c: ReturnType<typeof aCase>, params: Map<string, tf.Tensor>) {
  const B = c.images;
  const values = new Map<string, tf.Tensor>([['cut', tf.tensor2d(c.x, [B * CELLS, tail.cutChannels])]]);
  for (const layer of tail.layers) {
    let y: tf.Tensor;
    if (layer.kind === 'pointwise') {
      y = tf.add(tf.matMul(values.get(layer.input) as tf.Tensor2D, params.get(layer.weight) as tf.Tensor2D, false, true), params.get(layer.bias)!);
    } else if (layer.kind === 'depthwise') {
      const C = layer.channels;
      const x = tf.reshape(values.get(layer.input)!, [B, MAP.height, MAP.width, C]) as tf.Tensor4D;
      const filter = tf.reshape(tf.transpose(tf.reshape(params.get(layer.weight)!, [C, 9])), [3, 3, C, 1]) as tf.Tensor4D;
      y = tf.reshape(tf.add(tf.depthwiseConv2d(x, filter, 1, 'same'), params.get(layer.bias)!), [B * CELLS, C]);
    } else if (layer.kind === 'relu6') {
      y = tf.relu6(values.get(layer.input)!);
    } else {
      y = tf.add(values.get(layer.inputs[0])!, values.get(layer.inputs[1])!);
    }
    values.set(layer.output, y);
  }
  const f = values.get(tail.output)!;
  const fs = tf.mul(tf.sub(f, tf.tensor1d(c.mean)), tf.tensor1d(c.scale));
  let z = tf.add(tf.matMul(fs as tf.Tensor2D, params.get('W') as tf.Tensor2D), params.get('b')!);
  let decay = tf.sum(tf.square(params.get('W')!));
  if (c.context) {
    const cs = tf.mul(tf.sub(tf.tensor2d(c.context.rows, [B * CELLS, c.context.channels]), tf.tensor1d(c.context.mean)), tf.tensor1d(c.context.scale));
    z = tf.add(z, tf.matMul(cs as tf.Tensor2D, params.get('Wc') as tf.Tensor2D));
    decay = tf.add(decay, tf.sum(tf.square(params.get('Wc')!)));
  }
  const { heat, reg } = tfDetectionLoss(z, c, c.classes);
  return { loss: tf.add(heat, reg), objective: tf.add(tf.add(heat, reg), tf.mul(c.wd / 2, decay)) };
}

function aCase(tail: BackboneTail, seed: number, contextChannels?: number) {
  const images = 2;
  const classes = 2;
  const N = images * CELLS;
  const next = uniform(seed);
  const gauss = normal(uniform(seed + 5));
  const x = Float32Array.from({ length: N * tail.cutChannels }, () => gauss() * 2);
  const heatmap = Float32Array.from({ length: N * classes }, () => next() * 0.95);
  const mask = new Float32Array(N);
  for (const [row, c] of [[3, 0], [11, 1], [27, 0]] as const) {
    heatmap[row * classes + c] = 1;
    mask[row] = 1;
  }
  return {
    images,
    classes,
    x,
    heatmap,
    mask,
    regression: Float32Array.from({ length: N * 4 }, () => next() * 3),
    objects: 3,
    lambda: Float32Array.of(1, 1, 0.1, 0.1),
    mean: Float32Array.from({ length: tail.channels }, () => next()),
    scale: Float32Array.from({ length: tail.channels }, () => 0.5 + next()),
    W: Float32Array.from({ length: tail.channels * (classes + 4) }, () => gauss() * 0.5),
    b: Float32Array.from({ length: classes + 4 }, () => gauss() * 0.5),
    wd: 0.01,
    context: contextChannels
      ? {
          channels: contextChannels,
          rows: Float32Array.from({ length: N * contextChannels }, () => gauss() * 2),
          mean: Float32Array.from({ length: contextChannels }, () => next()),
          scale: Float32Array.from({ length: contextChannels }, () => 0.5 + next()),
          W: Float32Array.from({ length: contextChannels * (classes + 4) }, () => gauss() * 0.5),
        }
      : undefined,
  };
}

async function checkGradients(tail: BackboneTail, seed: number, contextChannels?: number) {
  const c = aCase(tail, seed, contextChannels);
  const O = c.classes + 4;
  const N = c.images * CELLS;
  const parameters = tailParameters(tail);
  const { session } = await createSession(encodeModel(buildModel(buildTunedStepGraph(tail, MAP, false, contextChannels))), { providers: ['cpu'], name: 'tuned-step' });
  let out;
  try {
    const inputs: Parameters<typeof session.run>[0] = {
      [n.features]: { data: c.x, dims: [N, tail.cutChannels] },
      [n.heatmap]: { data: c.heatmap, dims: [N, c.classes] },
      [n.regression]: { data: c.regression, dims: [N, 4] },
      [n.mask]: { data: c.mask, dims: [N] },
      [n.regressionWeight]: { data: c.lambda, dims: [4] },
      [n.objects]: { data: Float32Array.of(c.objects), dims: [] },
      [n.featureMean]: { data: c.mean, dims: [tail.channels] },
      [n.featureScale]: { data: c.scale, dims: [tail.channels] },
      [n.step]: { data: Float32Array.of(1), dims: [] },
      [n.learningRate]: { data: Float32Array.of(0.01), dims: [] },
      [n.tailLearningRate]: { data: Float32Array.of(0.001), dims: [] },
      [n.weightDecay]: { data: Float32Array.of(c.wd), dims: [] },
      ...(c.context
        ? {
            [n.context]: { data: c.context.rows, dims: [N, c.context.channels] },
            [n.contextMean]: { data: c.context.mean, dims: [c.context.channels] },
            [n.contextScale]: { data: c.context.scale, dims: [c.context.channels] },
          }
        : {}),
    };
    const dims = new Map<string, number[]>([
      ['W', [tail.channels, O]],
      ['b', [O]],
      ...(c.context ? [[n.contextWeights, [c.context.channels, O]] as [string, number[]]] : []),
    ]);
    const values = new Map<string, Float32Array>([
      ['W', c.W],
      ['b', c.b],
      ...(c.context ? [[n.contextWeights, c.context.W] as [string, Float32Array]] : []),
    ]);
    for (const parameter of parameters) {
      dims.set(parameter.name, parameter.dims);
      values.set(parameter.name, tail.initial.get(parameter.initializer)!);
    }
    for (const [name, shape] of dims) {
      const zeros = new Float32Array(values.get(name)!.length);
      inputs[name] = { data: values.get(name)!, dims: shape };
      inputs[n.moment1(name)] = { data: zeros, dims: shape };
      inputs[n.moment2(name)] = { data: zeros, dims: shape };
    }
    out = await session.run(inputs);
  } finally {
    await session.release();
  }
  const head = c.context ? ['W', 'b', 'Wc'] : ['W', 'b'];
  const names = [...head, ...parameters.map((parameter) => parameter.initializer)];
  const tensors = [
    tf.tensor2d(c.W, [tail.channels, O]),
    tf.tensor1d(c.b),
    ...(c.context ? [tf.tensor2d(c.context.W, [c.context.channels, O])] : []),
    ...parameters.map((parameter) => tf.tensor(tail.initial.get(parameter.initializer)!, parameter.dims)),
  ];
  const grads = tf.grads((...args: tf.Tensor[]) => tfObjective(tail, c, new Map(names.map((name, i) => [name, args[i]!]))).objective as tf.Scalar)(tensors);
  const loss = tfObjective(tail, c, new Map(names.map((name, i) => [name, tensors[i]!]))).loss.dataSync() as Float32Array;
  assertRelativelyClose(out[n.loss]!.data as Float32Array, loss, 1e-5, 'loss');
  const stepNames = [...head.map((name) => (name === 'Wc' ? n.contextWeights : name)), ...parameters.map((parameter) => parameter.name)];
  stepNames.forEach((name, i) => {
    const m1 = out[n.next(n.moment1(name))]!.data as Float32Array;
    const gradient = Float32Array.from(m1, (value) => value / (1 - ADAM.beta1));
    const expected = grads[i]!.dataSync() as Float32Array;
    let worst = 0;
    let largest = 0;
    for (let k = 0; k < expected.length; k++) {
      worst = Math.max(worst, Math.abs(gradient[k]! - expected[k]!));
      largest = Math.max(largest, Math.abs(expected[k]!));
    }
    assert.ok(largest > 0, `the gradient of ${name} is not all zero`);
    assert.ok(worst <= 1e-4 * Math.max(1, largest), `gradient of ${name}: max |Δ| ${worst} (largest ${largest})`);
  });
}

describe('the fine-tuning step graph against TF.js autograd', () => {
  it('differentiates a 1 × 1 convolution and ReLU6 (the stride-16 expand)', async () => {
    await checkGradients(aTail([pointwise('cut', 'e', 3, 7), relu6('e', 'f')], 3, 7, 1, 1.2), 1);
  });

  it('differentiates a 3 × 3 depthwise convolution: weights, bias and the gradient it passes on', async () => {
    await checkGradients(aTail([pointwise('cut', 'e', 3, 5), depthwise('e', 'd', 5)], 3, 5, 2), 2);
  });

  it('differentiates a 1 × 1 convolution that passes its gradient on', async () => {
    await checkGradients(aTail([pointwise('cut', 'a', 4, 6), pointwise('a', 'b', 6, 3)], 4, 3, 3), 3);
  });

  it('differentiates a residual add whose input is used twice', async () => {
    await checkGradients(aTail([pointwise('cut', 'a', 3, 4), relu6('a', 'r'), pointwise('r', 'p', 4, 4), add('r', 'p', 's'), pointwise('s', 'f', 4, 5)], 3, 5, 4, 0.7), 4);
  });

  it('differentiates two inverted-residual blocks and the stride-16 expand, with the head on top', async () => {
    const layers: TailLayer[] = [];
    let x = 'cut';
    for (const block of ['b11', 'b12']) {
      layers.push(pointwise(x, `${block}/e`, 3, 8), relu6(`${block}/e`, `${block}/er`), depthwise(`${block}/er`, `${block}/d`, 8), relu6(`${block}/d`, `${block}/dr`), pointwise(`${block}/dr`, `${block}/p`, 8, 3), add(x, `${block}/p`, `${block}/add`));
      x = `${block}/add`;
    }
    layers.push(pointwise(x, 'b13/e', 3, 10), relu6('b13/e', 'features'));
    const tail = aTail(layers, 3, 10, 5, 0.8);
    await checkGradients(tail, 5);
  });

  it('differentiates the head\'s weights on a context map beside the fine-tuned tail (no gradient into the context)', async () => {
    await checkGradients(aTail([pointwise('cut', 'a', 3, 4), relu6('a', 'r'), depthwise('r', 'd', 4), pointwise('d', 'f', 4, 5)], 3, 5, 7, 0.8), 7, 6);
  });

  it('reduces to the head alone when nothing is fine-tuned', async () => {
    const tail: BackboneTail = { cut: 'cut', cutChannels: 6, output: 'cut', channels: 6, layers: [], initial: new Map() };
    await checkGradients(tail, 6);
  });
});

const BACKBONE = join(import.meta.dirname, '../../../dist/models/nsfwjs-mobilenet-v2-140.onnx');

describe('the default backbone', { skip: existsSync(BACKBONE) ? false : 'the backbones are not built' }, () => {
  it('has block 12 and the stride-16 expand as 1 × 1 and depthwise convolutions with batch-norm folded, and ReLU6', () => {
    const model = decodeModel(readFileSync(BACKBONE));
    const map = spatialFeatureModel(model, ['expanded_conv_13_expand'], 'map')!;
    const tail = findTail(model, map.value, 2);
    assert.deepEqual(tail.layers.map((layer) => layer.kind), ['pointwise', 'relu6', 'depthwise', 'relu6', 'pointwise', 'add', 'pointwise', 'relu6']);
    assert.equal(tail.cutChannels, 136);
    assert.equal(tail.channels, 816);
    assert.match(tail.cut, /expanded_conv_11\/add$/);
    assert.ok(!model.graph.nodes.some((node) => node.opType === 'BatchNormalization'));
  });

  it('has its stride-8 map one stride-2 depthwise step under the stride-16 map, fine-tuned through the same kinds of layers', () => {
    const model = decodeModel(readFileSync(BACKBONE));
    const map = spatialFeatureModel(model, ['expanded_conv_13_expand'], 'map')!;
    const finer = finerFeatureValue(model, map.value)!;
    assert.match(finer, /expanded_conv_6\/expand\/Relu6\/activation$/);
    const tail = findTail(model, finer, 2);
    assert.deepEqual(tail.layers.map((layer) => layer.kind), ['pointwise', 'relu6', 'depthwise', 'relu6', 'pointwise', 'add', 'pointwise', 'relu6']);
    assert.equal(tail.cutChannels, 48);
    assert.equal(tail.channels, 288);
    assert.match(tail.cut, /expanded_conv_4\/add$/);
    // No finer map under a graph without a stride-2 depthwise step.
    assert.equal(finerFeatureValue(model, tail.cut.replace('expanded_conv_4', 'no_such_layer')), undefined);
  });
});

describe('training the head with the tail', () => {
  const layers: TailLayer[] = [pointwise('cut', 'e', 3, 8), relu6('e', 'er'), depthwise('er', 'd', 8), relu6('d', 'dr'), pointwise('dr', 'p', 8, 3), add('cut', 'p', 's'), pointwise('s', 'f', 3, 6), relu6('f', 'features')];
  const tail = aTail(layers, 3, 6, 7, 0.5);
  const gauss = normal(uniform(8));
  // Objects where the first input channel is high: a signal the tail and head can find.
  const data = Array.from({ length: 6 }, (_, image) => {
    const centre = (image * 7) % CELLS;
    const rows = Float32Array.from({ length: CELLS * 3 }, () => gauss() * 0.3);
    rows[centre * 3] = 3;
    return { rows, target: oneObjectAt(centre) };
  });

  it('lowers the loss and changes the tail, reporting each epoch', async () => {
    const losses: number[] = [];
    const trained = await trainTunedDetector({ maps: data.map((d) => d.rows), targets: data.map((d) => d.target), tail, map: MAP, classes: 1, epochs: 15, batchImages: 3, learningRate: 0.01, tailLearningRate: 0.002, onEpoch: (_, loss) => losses.push(loss) });
    assert.equal(losses.length, 15);
    assert.ok(losses.at(-1)! < losses[0]! * 0.7, `loss ${losses[0]} → ${losses.at(-1)}`);
    assert.equal(trained.head.W.length, 6 * 5);
    for (const parameter of tailParameters(tail)) assert.ok(trained.tailWeights.get(parameter.initializer)!.some((value, i) => value !== tail.initial.get(parameter.initializer)![i]), `${parameter.name} moved`);
  });

  it('trains the head alone on a frozen tail: the tail keeps its weights, the loss still falls', async () => {
    const losses: number[] = [];
    const trained = await trainTunedDetector({ maps: data.map((d) => d.rows), targets: data.map((d) => d.target), tail, map: MAP, classes: 1, epochs: 15, batchImages: 3, learningRate: 0.01, frozenTail: true, onEpoch: (_, loss) => losses.push(loss) });
    assert.ok(losses.at(-1)! < losses[0]! * 0.8, `loss ${losses[0]} → ${losses.at(-1)}`);
    assert.equal(trained.tailWeights.size, 0, 'nothing of the backbone to write back');
    assert.equal(trained.head.W.length, 6 * 5);
  });

  it('cuts the epochs to what a processor-time budget leaves after the first, never below the floor', async () => {
    const reported: [number, number][] = [];
    await trainTunedDetector({ maps: data.map((d) => d.rows), targets: data.map((d) => d.target), tail, map: MAP, classes: 1, epochs: 10, batchImages: 3, cpuSeconds: 0, minEpochs: 3, onEpoch: (epoch, _, epochs) => reported.push([epoch, epochs]) });
    assert.deepEqual(reported, [[1, 3], [2, 3], [3, 3]]);
    const ample: number[] = [];
    await trainTunedDetector({ maps: data.map((d) => d.rows), targets: data.map((d) => d.target), tail, map: MAP, classes: 1, epochs: 4, batchImages: 3, cpuSeconds: 1e6, minEpochs: 1, onEpoch: (_, __, epochs) => ample.push(epochs) });
    assert.deepEqual(ample, [4, 4, 4, 4]);
  });

  it('cuts the epochs to the tighter of the processor-time and wall-clock budgets', async () => {
    const run = async (budget: { cpuSeconds?: number; wallSeconds?: number }) => {
      const epochs: number[] = [];
      await trainTunedDetector({ maps: data.map((d) => d.rows), targets: data.map((d) => d.target), tail, map: MAP, classes: 1, epochs: 6, batchImages: 3, ...budget, minEpochs: 2, onEpoch: (_, __, total) => epochs.push(total) });
      return epochs;
    };
    assert.deepEqual(await run({ cpuSeconds: 1e6, wallSeconds: 0 }), [2, 2], 'no wall-clock time left: the floor');
    assert.deepEqual(await run({ cpuSeconds: 0, wallSeconds: 1e6 }), [2, 2], 'no processor time left: the floor');
    assert.deepEqual(await run({ wallSeconds: 1e6 }), [6, 6, 6, 6, 6, 6], 'time enough: every epoch');
  });

  it('starts the regression at the objects\' median offset and size in cells', () => {
    // A 100 × 80 image on the 5 × 4 map: 20 px a cell. Widths 40, 60, 100 px → 2, 3, 5 cells; heights 20, 20, 60 → 1, 1, 3.
    const boxes = [
      { left: 0, top: 0, width: 40, height: 20, classIndex: 0 },
      { left: 30, top: 40, width: 60, height: 20, classIndex: 0 },
      { left: 0, top: 10, width: 100, height: 60, classIndex: 0 },
    ];
    const image = { width: 100, height: 80 };
    const targets = [encodeTargets(boxes.slice(0, 2), image, MAP, 1), encodeTargets(boxes.slice(2), image, MAP, 1), encodeTargets([], image, MAP, 1)];
    // Centres (cells): (1, 0.5), (3, 2.5), (2.5, 2): offsets x 0, 0, 0.5 and y 0.5, 0.5, 0.
    assert.deepEqual(Array.from(regressionMedians(targets)), [0, 0.5, 3, 1]);
    assert.deepEqual(Array.from(regressionMedians([targets[2]!])), [0.5, 0.5, 1, 1], 'no objects: half a cell and one cell');
  });

  it('measures the held-out loss with the same loss as the step (learning rates 0: the step\'s loss is the loss at the weights held out)', async () => {
    const maps = data.map((d) => d.rows);
    const targets = data.map((d) => d.target);
    for (const frozenTail of [false, true]) {
      const trained = await trainTunedDetector({ maps, targets, tail, map: MAP, classes: 1, epochs: 1, batchImages: data.length, learningRate: 0, tailLearningRate: 0, frozenTail, validation: { maps, targets } });
      assert.equal(trained.heldOutLosses.length, 1);
      assertRelativelyClose(Float32Array.of(trained.heldOutLosses[0]!), Float32Array.of(trained.loss), 1e-5, `frozen ${frozenTail}`);
    }
  });

  it('stops once the held-out loss stops falling and keeps the best epoch\'s detector', async () => {
    // Held out: the same maps with the object in another cell, so fitting the training views raises the held-out loss.
    const held = data.map((_, image) => oneObjectAt((image * 7 + 9) % CELLS));
    const heads = new Map<number, Float32Array>();
    const reported: (number | undefined)[] = [];
    const trained = await trainTunedDetector({
      maps: data.map((d) => d.rows),
      targets: data.map((d) => d.target),
      tail,
      map: MAP,
      classes: 1,
      epochs: 30,
      batchImages: 3,
      learningRate: 0.01,
      tailLearningRate: 0.002,
      validation: { maps: data.map((d) => d.rows), targets: held },
      patience: 2,
      minEpochs: 2,
      onEpoch: (_, __, ___, heldOut) => reported.push(heldOut),
      onCheckpoint: (epoch, detector) => void heads.set(epoch, detector.head.W),
    });
    assert.ok(trained.epochs < 30, `ran ${trained.epochs} epochs`);
    assert.equal(trained.heldOutLosses.length, trained.epochs);
    assert.deepEqual(reported, trained.heldOutLosses);
    const lowest = trained.heldOutLosses.indexOf(Math.min(...trained.heldOutLosses)) + 1;
    assert.equal(trained.bestEpoch, lowest);
    // The last epoch whose held-out loss fell at least 1 % below the best before it is `patience` (2) epochs back.
    let improvedAt = 1;
    trained.heldOutLosses.forEach((loss, i) => {
      if (i > 0 && loss < Math.min(...trained.heldOutLosses.slice(0, i)) * 0.99) improvedAt = i + 1;
    });
    assert.equal(trained.epochs - improvedAt, 2, `stopped at ${trained.epochs}, last improved at ${improvedAt}: ${trained.heldOutLosses.join(', ')}`);
    assert.deepEqual(trained.head.W, heads.get(trained.bestEpoch));
  });

  it('returns the moving average of the weights (native/train WeightAverage), the steps themselves unchanged', async () => {
    // One step an epoch (every view in one batch), so each checkpoint shows one step's weights.
    const base = { maps: data.map((d) => d.rows), targets: data.map((d) => d.target), tail, map: MAP, classes: 1, batchImages: data.length, learningRate: 0.02, tailLearningRate: 0.004 } as const;
    const start = await trainTunedDetector({ ...base, epochs: 1, learningRate: 0, tailLearningRate: 0, averaged: false });
    const steps = 8;
    const raw: { W: Float32Array; b: Float32Array; tail: Map<string, Float32Array> }[] = [];
    const last = await trainTunedDetector({ ...base, epochs: steps, averaged: false, onCheckpoint: (_, d) => void raw.push({ W: d.head.W, b: d.head.b, tail: d.tailWeights }) });
    const averaged = await trainTunedDetector({ ...base, epochs: steps });
    // The head is folded with a fixed standardisation (linear in W and b), so its average is the average of the folded heads.
    const expect = (pick: (weights: { W: Float32Array; b: Float32Array; tail: Map<string, Float32Array> }) => Float32Array) => {
      const value = Float32Array.from(pick({ W: start.head.W, b: start.head.b, tail: start.tailWeights }));
      raw.forEach((weights, i) => {
        const t = i + 1;
        const keep = (t + 1) / (t + 10);
        const current = pick(weights);
        for (let k = 0; k < value.length; k++) value[k] = keep * value[k]! + (1 - keep) * current[k]!;
      });
      return value;
    };
    assertRelativelyClose(averaged.head.W, expect((w) => w.W), 1e-4, 'head W');
    assertRelativelyClose(averaged.head.b, expect((w) => w.b), 1e-4, 'head b');
    for (const parameter of tailParameters(tail)) {
      assertRelativelyClose(averaged.tailWeights.get(parameter.initializer)!, expect((w) => w.tail.get(parameter.initializer)!), 1e-4, parameter.name);
    }
    assert.deepEqual(last.head.W, raw.at(-1)!.W, 'with no average, the last step\'s weights');
    assert.ok(averaged.head.W.some((value, k) => Math.abs(value - last.head.W[k]!) > 1e-4), 'the average is not the last step');
    assert.equal(averaged.loss, last.loss, 'the steps do not read the average');
  });

  it('stops after the epoch whose checkpoint says false', async () => {
    const seen: number[] = [];
    const trained = await trainTunedDetector({ maps: data.map((d) => d.rows), targets: data.map((d) => d.target), tail, map: MAP, classes: 1, epochs: 6, batchImages: 3, onCheckpoint: (epoch) => (seen.push(epoch), epoch < 2) });
    assert.deepEqual(seen, [1, 2]);
    assert.equal(trained.epochs, 2);
  });

  it('stops between steps when cancelled', async () => {
    const controller = new AbortController();
    await assert.rejects(
      trainTunedDetector({ maps: data.map((d) => d.rows), targets: data.map((d) => d.target), tail, map: MAP, classes: 1, epochs: 50, batchImages: 2, signal: controller.signal, onEpoch: (epoch) => epoch === 2 && controller.abort() }),
      (error: Error) => error.name === 'AbortError',
    );
  });
});
