/**
 * Fine-tuning the backbone's last blocks for classification: the step graph's loss and every
 * gradient (the mean over the map, the weighted softmax cross-entropy, the head and the tail under
 * it) against TF.js autograd — one step from zero Adam moments at t = 1 gives back the gradient
 * (m' = (1 − β1)·g) — and a short training that separates classes the frozen tail's features mix.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { tailParameters, type BackboneTail, type TailLayer } from '../../../native/detect';
import { buildTunedClassifierStepGraph, pooledTailModel, runPooledTail, trainTunedClassifier, TUNED_CLASSIFIER_NAMES as n } from '../../../native/detect/tunedClassifier';
import { ADAM } from '../../../native/train';
import { buildModel, encodeModel } from '../../../native/onnx';
import { createSession } from '../../../native/ort';
import { assertRelativelyClose, normal, uniform } from '../train/helpers';

before(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  await tf.ready();
});

const MAP = { width: 4, height: 3 };
const CELLS = MAP.width * MAP.height;

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
  return { cut: 'cut', cutChannels, output: layers.length > 0 ? layers.at(-1)!.output : 'cut', channels, layers, initial };
}

const pointwise = (input: string, output: string, inChannels: number, outChannels: number): TailLayer => ({ kind: 'pointwise', input, output, weight: `${output}/w`, bias: `${output}/b`, inChannels, outChannels });
const depthwise = (input: string, output: string, channels: number): TailLayer => ({ kind: 'depthwise', input, output, weight: `${output}/w`, bias: `${output}/b`, channels });
const relu6 = (input: string, output: string): TailLayer => ({ kind: 'relu6', input, output });
const add = (a: string, b: string, output: string): TailLayer => ({ kind: 'add', inputs: [a, b], output });

/** An inverted-residual block and a final expand with ReLU6, MobileNetV2's last layers in small. */
function aBlockTail(seed: number): BackboneTail {
  return aTail(
    [pointwise('cut', 'e', 3, 8), relu6('e', 'er'), depthwise('er', 'd', 8), relu6('d', 'dr'), pointwise('dr', 'p', 8, 3), add('cut', 'p', 'a'), pointwise('a', 'f', 3, 6), relu6('f', 'features')],
    3,
    6,
    seed,
    0.7,
  );
}

function aCase(tail: BackboneTail, seed: number) {
  const images = 3;
  const classes = 3;
  const next = uniform(seed);
  const gauss = normal(uniform(seed + 5));
  return {
    images,
    classes,
    x: Float32Array.from({ length: images * CELLS * tail.cutChannels }, () => gauss() * 2),
    y: Float32Array.of(1, 0, 0, 0, 0, 1, 0, 1, 0),
    w: Float32Array.of(0.5, 2, 1.25),
    mean: Float32Array.from({ length: tail.channels }, () => next()),
    scale: Float32Array.from({ length: tail.channels }, () => 0.5 + next()),
    W: Float32Array.from({ length: tail.channels * classes }, () => gauss() * 0.5),
    b: Float32Array.from({ length: classes }, () => gauss() * 0.5),
    wd: 0.01,
  };
}

/** The tail, the pooling, the head and the weighted cross-entropy with TF.js ops. */
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
  const pooled = tf.mean(tf.reshape(values.get(tail.output)!, [B, CELLS, tail.channels]), 1);
  const gs = tf.mul(tf.sub(pooled, tf.tensor1d(c.mean)), tf.tensor1d(c.scale));
  const z = tf.add(tf.matMul(gs as tf.Tensor2D, params.get('W') as tf.Tensor2D), params.get('b')!);
  const perSample = tf.neg(tf.sum(tf.mul(tf.tensor2d(c.y, [B, c.classes]), tf.logSoftmax(z)), 1));
  const w = tf.tensor1d(c.w);
  const loss = tf.div(tf.sum(tf.mul(perSample, w)), tf.sum(w));
  return { loss, objective: tf.add(loss, tf.mul(c.wd / 2, tf.sum(tf.square(params.get('W')!)))) };
}

async function checkGradients(tail: BackboneTail, seed: number) {
  const c = aCase(tail, seed);
  const parameters = tailParameters(tail);
  const { session } = await createSession(encodeModel(buildModel(buildTunedClassifierStepGraph(tail, MAP))), { providers: ['cpu'], name: 'classifier-step' });
  let out;
  try {
    const inputs: Parameters<typeof session.run>[0] = {
      [n.features]: { data: c.x, dims: [c.images * CELLS, tail.cutChannels] },
      [n.targets]: { data: c.y, dims: [c.images, c.classes] },
      [n.sampleWeights]: { data: c.w, dims: [c.images] },
      [n.featureMean]: { data: c.mean, dims: [tail.channels] },
      [n.featureScale]: { data: c.scale, dims: [tail.channels] },
      [n.step]: { data: Float32Array.of(1), dims: [] },
      [n.learningRate]: { data: Float32Array.of(0.01), dims: [] },
      [n.tailLearningRate]: { data: Float32Array.of(0.001), dims: [] },
      [n.weightDecay]: { data: Float32Array.of(c.wd), dims: [] },
    };
    const dims = new Map<string, number[]>([
      ['W', [tail.channels, c.classes]],
      ['b', [c.classes]],
    ]);
    const values = new Map<string, Float32Array>([
      ['W', c.W],
      ['b', c.b],
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
  const names = ['W', 'b', ...parameters.map((parameter) => parameter.initializer)];
  const tensors = [tf.tensor2d(c.W, [tail.channels, c.classes]), tf.tensor1d(c.b), ...parameters.map((parameter) => tf.tensor(tail.initial.get(parameter.initializer)!, parameter.dims))];
  const grads = tf.grads((...args: tf.Tensor[]) => tfObjective(tail, c, new Map(names.map((name, i) => [name, args[i]!]))).objective as tf.Scalar)(tensors);
  const loss = tfObjective(tail, c, new Map(names.map((name, i) => [name, tensors[i]!]))).loss.dataSync() as Float32Array;
  assertRelativelyClose(out[n.loss]!.data as Float32Array, loss, 1e-5, 'loss');
  ['W', 'b', ...parameters.map((parameter) => parameter.name)].forEach((name, i) => {
    const gradient = Float32Array.from(out[n.next(n.moment1(name))]!.data as Float32Array, (value) => value / (1 - ADAM.beta1));
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

describe('fine-tuning the tail for classification, against TF.js autograd', () => {
  it('differentiates the pooled, weighted softmax head alone (nothing fine-tuned)', async () => {
    await checkGradients(aTail([], 5, 5, 1), 1);
  });

  it('differentiates an inverted-residual block and the final expand under the pooled head', async () => {
    await checkGradients(aBlockTail(2), 2);
  });

  it('trains the tail and head to separate classes, and the pooled tail with the trained weights gives features the head reads', async () => {
    const tail = aBlockTail(3);
    const gauss = normal(uniform(8));
    // Class 1: one bright cell somewhere in channel 0 of the cut map; class 0: noise only.
    const maps: Float32Array[] = [];
    const classOf: number[] = [];
    for (let i = 0; i < 48; i++) {
      const map = Float32Array.from({ length: CELLS * tail.cutChannels }, () => gauss() * 0.5);
      if (i % 2 === 1) map[(i % CELLS) * tail.cutChannels] = 4;
      maps.push(map);
      classOf.push(i % 2);
    }
    const trained = await trainTunedClassifier({ maps, classOf: Int32Array.from(classOf), tail, map: MAP, classes: 2, epochs: 40, batchImages: 16, learningRate: 0.02, tailLearningRate: 0.005, seed: 1 });
    assert.ok(Number.isFinite(trained.loss));
    const features = await runPooledTail(pooledTailModel(tail, MAP, trained.tailWeights), maps, tail, MAP);
    let correct = 0;
    for (let i = 0; i < maps.length; i++) {
      const z = [0, 1].map((c) => trained.b[c]! + Array.from({ length: tail.channels }, (_, d) => features[i * tail.channels + d]! * trained.W[d * 2 + c]!).reduce((a, b) => a + b, 0));
      if ((z[1]! > z[0]! ? 1 : 0) === classOf[i]) correct++;
    }
    assert.ok(correct / maps.length >= 0.9, `training accuracy ${correct / maps.length}, loss ${trained.loss}`);
  });
});
